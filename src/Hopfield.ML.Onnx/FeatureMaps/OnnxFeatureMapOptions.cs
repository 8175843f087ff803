namespace Hopfield.ML.Onnx.FeatureMaps;

/// <summary>Options for an <see cref="OnnxFeatureMap"/>.</summary>
public sealed class OnnxFeatureMapOptions
{
    /// <summary>Gets the number of rows sent to ONNX Runtime per run; 256 by default. A model with a fixed batch dimension uses that instead.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Gets the expected name of the model's single input (checked), or <see langword="null"/> to accept any name.</summary>
    public string? InputName { get; init; }

    /// <summary>Gets the output to read, or <see langword="null"/> for the model's first output.</summary>
    public string? OutputName { get; init; }

    /// <summary>Gets a value indicating whether batches run in parallel (each run still uses the session's intra-op threads).</summary>
    public bool ParallelBatches { get; init; }

    /// <summary>Gets the maximum number of batches in flight when <see cref="ParallelBatches"/> is set; -1 for no limit.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}
