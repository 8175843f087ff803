namespace Hopfield.ML.Pipeline;

/// <summary>Saving and loading fitted models; prediction engines (ML.NET's <c>ModelOperationsCatalog</c>).</summary>
public sealed class ModelOperationsCatalog
{
#pragma warning disable IDE0052 // kept for parity with the other catalogs and future use
    private readonly HopfieldContext _context;
#pragma warning restore IDE0052

    internal ModelOperationsCatalog(HopfieldContext context) => _context = context;

    /// <summary>
    /// Saves a fitted model to one versioned file (JSON manifest + little-endian tensors + SHA-256), atomically: the file is
    /// written to a hidden temporary file in the same folder, flushed to disk and renamed over <paramref name="filePath"/>, so a
    /// save that fails at any point leaves the previous file intact and loadable, and removes its temporary file.
    /// </summary>
    /// <param name="model">The fitted model (every stage must carry <see cref="PipelineStageAttribute"/>).</param>
    /// <param name="inputSchema">The schema the model expects, stored for <see cref="Load(string, out DataSchema?)"/>; may be <see langword="null"/>.</param>
    /// <param name="filePath">The destination file.</param>
    public void Save(ITransformer model, DataSchema? inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        ModelFile.WriteFile(filePath, model, inputSchema);
    }

    /// <summary>Saves a fitted model without an input schema (see <see cref="Save(ITransformer, DataSchema?, string)"/>).</summary>
    /// <param name="model">The fitted model.</param>
    /// <param name="filePath">The destination file.</param>
    public void Save(ITransformer model, string filePath) => Save(model, null, filePath);

    /// <summary>Loads a model, ignoring any stored input schema.</summary>
    /// <param name="filePath">The model file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidDataException">The file is of another format or version, truncated, corrupted, or names an unknown stage.</exception>
    public ITransformer Load(string filePath) => Load(filePath, out _);

    /// <summary>Saves a fitted model to a stream in the model file format.</summary>
    /// <param name="model">The fitted model.</param>
    /// <param name="inputSchema">The schema the model expects; may be <see langword="null"/>.</param>
    /// <param name="stream">A writable stream.</param>
    public void Save(ITransformer model, DataSchema? inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        ModelFile.Write(stream, model, inputSchema);
    }

    /// <summary>Loads a model saved by <see cref="Save(ITransformer, DataSchema?, string)"/>.</summary>
    /// <param name="filePath">The model file.</param>
    /// <param name="inputSchema">The stored input schema, or <see langword="null"/> when none was saved.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidDataException">The file is of another format or version, truncated, corrupted, or names an unknown stage; the message names the file.</exception>
    public ITransformer Load(string filePath, out DataSchema? inputSchema)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        return ModelFile.Read(File.ReadAllBytes(filePath), filePath, out inputSchema);
    }

    /// <summary>Loads a model from a stream.</summary>
    /// <param name="stream">A readable stream positioned at the model.</param>
    /// <param name="inputSchema">The stored input schema, or <see langword="null"/>.</param>
    /// <returns>The model.</returns>
    public ITransformer Load(Stream stream, out DataSchema? inputSchema)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ModelFile.Read(ms.GetBuffer().AsMemory(0, (int)ms.Length), "(stream)", out inputSchema);
    }

    /// <summary>Creates a thread-safe typed prediction engine.</summary>
    /// <typeparam name="TSrc">The input row type.</typeparam>
    /// <typeparam name="TDst">The output row type.</typeparam>
    /// <param name="model">The fitted model.</param>
    /// <returns>The engine.</returns>
    public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer model)
        where TSrc : class
        where TDst : class, new() => new(model);
}
