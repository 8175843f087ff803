namespace Hopfield.ML.Pipeline;

/// <summary>
/// A fitted pipeline stage (ML.NET's <c>ITransformer</c>): maps a data set to a data set. Implementations are immutable
/// and thread-safe, and save themselves through <see cref="ICanSaveModel"/>.
/// </summary>
public interface ITransformer : ICanSaveModel
{
    /// <summary>The schema <see cref="Transform"/> would produce for <paramref name="inputSchema"/>; validates it without data.</summary>
    /// <param name="inputSchema">The input schema.</param>
    /// <returns>The output schema.</returns>
    /// <exception cref="SchemaMismatchException">A required column is missing or mis-shaped.</exception>
    DataSchema GetOutputSchema(DataSchema inputSchema);

    /// <summary>Applies the stage to every row.</summary>
    /// <param name="input">The input data set.</param>
    /// <returns>The output data set (the input's other columns are passed through).</returns>
    /// <exception cref="SchemaMismatchException">A required column is missing or mis-shaped.</exception>
    DataSet Transform(DataSet input);
}

/// <summary>
/// A stage that still has to learn from data (ML.NET's <c>IEstimator&lt;TTransformer&gt;</c>).
/// </summary>
/// <typeparam name="TTransformer">The fitted stage type.</typeparam>
public interface IEstimator<out TTransformer>
    where TTransformer : ITransformer
{
    /// <summary>Validates the input schema, learns from <paramref name="input"/> and returns the fitted stage.</summary>
    /// <param name="input">The training data.</param>
    /// <returns>The fitted stage.</returns>
    /// <exception cref="SchemaMismatchException">A required column is missing or mis-shaped.</exception>
    TTransformer Fit(DataSet input);

    /// <summary>The schema the fitted stage will produce for <paramref name="inputSchema"/>; works without data.</summary>
    /// <param name="inputSchema">The input schema.</param>
    /// <returns>The output schema.</returns>
    /// <exception cref="SchemaMismatchException">A required column is missing or mis-shaped.</exception>
    DataSchema GetOutputSchema(DataSchema inputSchema);
}

/// <summary>A stage that writes its parameters and tensors into a model file.</summary>
public interface ICanSaveModel
{
    /// <summary>Writes this stage's parameters, tensors and child stages. The stage type name and version come from its <see cref="PipelineStageAttribute"/>.</summary>
    /// <param name="context">The stage's save context.</param>
    void Save(ModelSaveContext context);
}

/// <summary>A stage that can be recreated from a model file. Implemented by every saveable transformer, together with <see cref="PipelineStageAttribute"/>.</summary>
/// <typeparam name="TSelf">The implementing transformer.</typeparam>
public interface ILoadableStage<out TSelf>
    where TSelf : ITransformer
{
    /// <summary>Recreates the stage from what its <see cref="ICanSaveModel.Save"/> wrote.</summary>
    /// <param name="context">The stage's load context.</param>
    /// <returns>The stage.</returns>
    static abstract TSelf Load(ModelLoadContext context);
}

/// <summary>
/// Names a saveable transformer type in model files (the key of <see cref="ModelStageRegistry"/>) and gives the version of its
/// saved layout. Bump <see cref="Version"/> when the layout changes; <see cref="ILoadableStage{TSelf}.Load"/> sees the file's version in
/// <see cref="ModelLoadContext.StageVersion"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PipelineStageAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The stage type name, unique across the library (e.g. <c>HopfieldDenoise</c>).</param>
    public PipelineStageAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The stage type name.</summary>
    public string Name { get; }

    /// <summary>The version of the saved layout this code writes (and the newest it reads). Default 1.</summary>
    public int Version { get; init; } = 1;
}
