namespace Hopfield.ML.Onnx.Export;

/// <summary>
/// Exports associative memories as ONNX models (IR 8, opset 17) that ONNX Runtime, ML.NET's
/// <c>ApplyOnnxModel</c> and other ONNX consumers can run.
/// </summary>
public static partial class OnnxExport
{
    /// <summary>The name of the query input of exported memories, shape [batch, dim].</summary>
    public const string QueryInputName = "query";

    /// <summary>The name of the retrieved-pattern output of exported memories, shape [batch, dim].</summary>
    public const string RetrievedOutputName = "retrieved";

    /// <summary>The name of the attention output of exported memories, shape [batch, count].</summary>
    public const string AttentionOutputName = "attention";

    /// <summary>
    /// Exports one retrieval step of a modern (continuous) Hopfield network with dot-product similarity:
    /// <c>retrieved = softmax(β · Q·Xᵀ) · X</c> for queries Q [batch, dim] and stored patterns X [count, dim].
    /// </summary>
    /// <param name="patterns">The stored patterns, row-major, <paramref name="count"/> × <paramref name="dim"/> values.</param>
    /// <param name="count">The number of stored patterns.</param>
    /// <param name="dim">The pattern dimension.</param>
    /// <param name="beta">The inverse temperature β, finite and positive.</param>
    /// <returns>The serialised ONNX model. Input <see cref="QueryInputName"/>; outputs <see cref="RetrievedOutputName"/> and <see cref="AttentionOutputName"/>.</returns>
    /// <exception cref="ArgumentException">A size does not match, β is not finite and positive, or a pattern value is not finite.</exception>
    public static byte[] ModernHopfield(float[] patterns, int count, int dim, float beta)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        if (!float.IsFinite(beta) || beta <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be finite and positive.");
        }

        if ((long)count * dim != patterns.Length)
        {
            throw new ArgumentException($"patterns has {patterns.Length} values but count × dim = {count} × {dim} = {(long)count * dim}.", nameof(patterns));
        }

        for (int i = 0; i < patterns.Length; i++)
        {
            if (!float.IsFinite(patterns[i]))
            {
                throw new ArgumentException($"patterns[{i}] (pattern {i / dim}, component {i % dim}) is {patterns[i]}; values must be finite.", nameof(patterns));
            }
        }

        var b = new OnnxModelBuilder("modern_hopfield")
        {
            DocString = $"Modern Hopfield retrieval, dot similarity: retrieved = softmax(beta * query @ patterns^T) @ patterns; {count} patterns of dimension {dim}, beta = {beta}.",
        };
        b.AddInput(QueryInputName, "batch", dim);
        b.AddInitializer("patterns", patterns, count, dim);
        b.AddInitializer("beta", [beta]);
        b.AddNode("Transpose", ["patterns"], ["patterns_t"], OnnxAttribute.Ints("perm", 1, 0));
        b.AddNode("MatMul", [QueryInputName, "patterns_t"], ["similarity"]);
        b.AddNode("Mul", ["similarity", "beta"], ["scaled"]);
        b.AddNode("Softmax", ["scaled"], [AttentionOutputName], OnnxAttribute.Int("axis", -1));
        b.AddNode("MatMul", [AttentionOutputName, "patterns"], [RetrievedOutputName]);
        b.AddOutput(RetrievedOutputName, "batch", dim);
        b.AddOutput(AttentionOutputName, "batch", count);
        return b.Build();
    }
}
