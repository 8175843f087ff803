namespace Hopfield.ML.Onnx.Runtime;

/// <summary>Options for creating an <see cref="OnnxSession"/>.</summary>
public sealed class OnnxSessionOptions
{
    /// <summary>Gets the ONNX Runtime library file to load, or <see langword="null"/> to search the usual places (see <see cref="OnnxRuntime"/>).</summary>
    public string? LibraryPath { get; init; }

    /// <summary>Gets the number of threads one operator may use; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Gets the number of threads for running independent nodes in <see cref="ExecutionMode.Parallel"/> mode; 0 lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>Gets the graph optimisation level; <see cref="GraphOptimizationLevel.All"/> by default.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.All;

    /// <summary>Gets the execution mode; <see cref="ExecutionMode.Sequential"/> by default.</summary>
    public ExecutionMode ExecutionMode { get; init; } = ExecutionMode.Sequential;

    internal void Validate()
    {
        if (IntraOpThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "IntraOpThreads must be 0 (default) or positive.");
        }

        if (InterOpThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InterOpThreads), InterOpThreads, "InterOpThreads must be 0 (default) or positive.");
        }

        if (!Enum.IsDefined(GraphOptimizationLevel))
        {
            throw new ArgumentOutOfRangeException(nameof(GraphOptimizationLevel), GraphOptimizationLevel, "Unknown graph optimisation level.");
        }

        if (!Enum.IsDefined(ExecutionMode))
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutionMode), ExecutionMode, "Unknown execution mode.");
        }
    }
}
