using System.Globalization;
using Hopfield.ML.Memories.Common;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.ML.Memories.Semantic;

/// <summary>
/// A fully semantic memory: stores only the embeddings φ(x) and returns ψ(retrieved embedding) through a decoder ψ
/// (for example the decoder half of an autoencoder whose encoder is φ).
/// <para>
/// <c>retrieve(q) = ψ(E · separation(similarity(E, φ(q))))</c> with E the stored embeddings (auto-associative in embedding
/// space). With <see cref="SeparationFunction.Max"/> the output is ψ of the nearest stored embedding.
/// </para>
/// <para>Immutable after construction; thread-safe when the feature maps are.</para>
/// </summary>
public sealed class FullySemanticMemory
{
    private readonly UniversalHopfieldMemory _memory;

    /// <summary>Stores φ(x) of <paramref name="count"/> inputs (the inputs themselves are not kept).</summary>
    /// <param name="encoder">The encoder φ (input → embedding).</param>
    /// <param name="decoder">The decoder ψ (embedding → output); its input dimension must equal φ's output dimension.</param>
    /// <param name="inputs">count × φ.InputDimension values, row-major.</param>
    /// <param name="count">The number of patterns to store (≥ 1).</param>
    /// <param name="options">Settings of the retrieval in embedding space; null for the defaults.</param>
    /// <exception cref="ArgumentNullException">A feature map is null.</exception>
    /// <exception cref="ArgumentException">ψ's input dimension differs from φ's output dimension, a length does not match or a value is not finite.</exception>
    public FullySemanticMemory(IFeatureMap encoder, IFeatureMap decoder, ReadOnlySpan<float> inputs, int count, UniversalHopfieldOptions? options = null)
    {
        CheckMaps(encoder, decoder);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (inputs.Length != (long)count * encoder.InputDimension)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"inputs has {inputs.Length} values but {count} patterns × the encoder's input dimension {encoder.InputDimension} = {(long)count * encoder.InputDimension}."),
                nameof(inputs));
        }

        MemoryValidation.CheckFinite(inputs, encoder.InputDimension, nameof(inputs), "input");
        Encoder = encoder;
        Decoder = decoder;
        _memory = new UniversalHopfieldMemory(SemanticFeatures.Map(encoder, inputs, count, nameof(inputs), "encoder"), count, default, options);
    }

    private FullySemanticMemory(IFeatureMap encoder, IFeatureMap decoder, UniversalHopfieldMemory memory)
    {
        Encoder = encoder;
        Decoder = decoder;
        _memory = memory;
    }

    /// <summary>Gets the encoder φ.</summary>
    public IFeatureMap Encoder { get; }

    /// <summary>Gets the decoder ψ.</summary>
    public IFeatureMap Decoder { get; }

    /// <summary>Gets the number of stored embeddings.</summary>
    public int Count => _memory.Count;

    /// <summary>Gets the query dimension (φ's input dimension).</summary>
    public int InputDimension => Encoder.InputDimension;

    /// <summary>Gets the embedding dimension.</summary>
    public int EmbeddingDimension => _memory.KeyDimension;

    /// <summary>Gets the output dimension (ψ's output dimension).</summary>
    public int OutputDimension => Decoder.OutputDimension;

    /// <summary>Gets the settings of the retrieval in embedding space.</summary>
    public UniversalHopfieldOptions Options => _memory.Options;

    /// <summary>Gets the underlying auto-associative memory of embeddings.</summary>
    public UniversalHopfieldMemory Memory => _memory;

    /// <summary>Creates a memory from embeddings computed earlier.</summary>
    /// <param name="encoder">The encoder φ that produced the embeddings.</param>
    /// <param name="decoder">The decoder ψ.</param>
    /// <param name="embeddings">count × φ.OutputDimension values.</param>
    /// <param name="count">The number of stored embeddings.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <returns>The memory.</returns>
    public static FullySemanticMemory FromEmbeddings(IFeatureMap encoder, IFeatureMap decoder, ReadOnlySpan<float> embeddings, int count, UniversalHopfieldOptions? options = null)
    {
        CheckMaps(encoder, decoder);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (embeddings.Length != (long)count * encoder.OutputDimension)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"embeddings has {embeddings.Length} values but {count} patterns × the encoder's output dimension {encoder.OutputDimension} = {(long)count * encoder.OutputDimension}."),
                nameof(embeddings));
        }

        return new FullySemanticMemory(encoder, decoder, new UniversalHopfieldMemory(embeddings, count, default, options));
    }

    /// <summary>Stored embedding <paramref name="index"/> (a copy).</summary>
    /// <param name="index">Pattern index.</param>
    /// <returns>The embedding.</returns>
    public float[] GetEmbedding(int index) => _memory.GetKey(index);

    /// <summary>Decodes stored embedding <paramref name="index"/>: ψ(φ(x)).</summary>
    /// <param name="index">Pattern index.</param>
    /// <returns><see cref="OutputDimension"/> values.</returns>
    public float[] Decode(int index) => SemanticFeatures.Map(Decoder, _memory.GetKey(index), 1, "embedding", "decoder");

    /// <summary>Retrieves one query: ψ(retrieved embedding), the nearest stored index and the attention weights.</summary>
    /// <param name="query"><see cref="InputDimension"/> values.</param>
    /// <returns>The retrieval.</returns>
    public SemanticRetrieval Retrieve(ReadOnlySpan<float> query)
    {
        CheckQueries(query, 1);
        float[] key = SemanticFeatures.Map(Encoder, query, 1, nameof(query), "encoder");
        var embedding = new float[EmbeddingDimension];
        var attention = new float[Count];
        _memory.Retrieve(key, embedding, attention);
        float[] output = SemanticFeatures.Map(Decoder, embedding, 1, "retrieved embedding", "decoder");
        return new SemanticRetrieval(output, _memory.Nearest(key), attention);
    }

    /// <summary>Retrieves many queries: ψ(retrieved embedding) of each and, optionally, the nearest stored index.</summary>
    /// <param name="queries">count × <see cref="InputDimension"/> values, row-major.</param>
    /// <param name="count">The number of queries.</param>
    /// <param name="outputs">Receives count × <see cref="OutputDimension"/> values.</param>
    /// <param name="nearest">Receives count indices, or empty to skip.</param>
    public void RetrieveBatch(ReadOnlySpan<float> queries, int count, Span<float> outputs, Span<int> nearest = default)
    {
        CheckQueries(queries, count);
        MemoryValidation.CheckLength(outputs.Length, (long)count * OutputDimension, nameof(outputs), $"count × outputDimension = {count} × {OutputDimension}");
        if (!nearest.IsEmpty)
        {
            MemoryValidation.CheckLength(nearest.Length, count, nameof(nearest), "the query count");
        }

        float[] keys = SemanticFeatures.Map(Encoder, queries, count, nameof(queries), "encoder");
        var embeddings = new float[(long)count * EmbeddingDimension];
        _memory.RetrieveBatch(keys, count, embeddings);
        SemanticFeatures.Map(Decoder, embeddings, count, "retrieved embeddings", "decoder").CopyTo(outputs);
        if (!nearest.IsEmpty)
        {
            _memory.NearestBatch(keys, count, nearest);
        }
    }

    private static void CheckMaps(IFeatureMap encoder, IFeatureMap decoder)
    {
        SemanticFeatures.CheckDimension(encoder, nameof(encoder), "encoder");
        SemanticFeatures.CheckDimension(decoder, nameof(decoder), "decoder");
        if (decoder.InputDimension != encoder.OutputDimension)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The decoder's input dimension {decoder.InputDimension} differs from the encoder's output (embedding) dimension {encoder.OutputDimension}."),
                nameof(decoder));
        }
    }

    private void CheckQueries(ReadOnlySpan<float> queries, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (queries.Length != (long)count * InputDimension)
        {
            throw new ArgumentException(
                count == 1
                    ? string.Create(CultureInfo.InvariantCulture, $"The query has dimension {queries.Length}; the encoder expects {InputDimension}.")
                    : string.Create(CultureInfo.InvariantCulture, $"Expected {count} queries × {InputDimension} = {(long)count * InputDimension} values, got {queries.Length}."),
                nameof(queries));
        }

        MemoryValidation.CheckFinite(queries, InputDimension, nameof(queries), "query");
    }
}
