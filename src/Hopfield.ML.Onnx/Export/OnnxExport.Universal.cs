using System.Globalization;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.ML.Onnx.Export;

/// <summary>Export of the universal Hopfield memory (every similarity × separation).</summary>
public static partial class OnnxExport
{
    /// <summary>
    /// Exports one retrieval step of a fitted <see cref="UniversalHopfieldMemory"/> with its similarity, separation and
    /// parameters: <c>retrieved = separation(similarity(query, K)) · V</c>; keys and values are initializers.
    /// </summary>
    /// <remarks>
    /// Graphs use standard opset-17 operators only:
    /// <list type="bullet">
    /// <item>dot: <c>MatMul(query, Kᵀ)</c>; cosine: the query divided by its L2 norm (a zero query stays zero), times the
    /// pre-normalised Kᵀ;</item>
    /// <item>negative Euclidean: <c>−Sqrt(Relu(‖q‖² + ‖k‖² − 2·q·Kᵀ))</c> (the expansion; distances near 0 carry float32
    /// rounding of about 1e-3 relative to ‖q‖);</item>
    /// <item>negative Manhattan: <c>−ReduceSum(Abs(Unsqueeze(q) − K))</c>, which materialises batch × count × dim floats: run
    /// large memories in small batches;</item>
    /// <item>separations: identity, <c>Softmax(β·s)</c>, max as <c>Hardmax</c> (first maximum, like the C# memory),
    /// top-k as <c>TopK</c> + <c>Softmax</c> + <c>ScatterElements</c> into zeros, polynomial as
    /// <c>Pow(Relu(s), n) / ReduceSum</c> (all-zero when no score is positive).</item>
    /// </list>
    /// </remarks>
    /// <param name="memory">The memory.</param>
    /// <returns>The serialised model: input <see cref="QueryInputName"/> [batch, KeyDimension]; outputs
    /// <see cref="RetrievedOutputName"/> [batch, ValueDimension] and <see cref="AttentionOutputName"/> [batch, Count].</returns>
    /// <exception cref="ArgumentNullException"><paramref name="memory"/> is null.</exception>
    public static byte[] UniversalHopfield(UniversalHopfieldMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        int n = memory.Count, d = memory.KeyDimension, v = memory.ValueDimension;
        float[] keys = new float[(long)n * d];
        float[] values = new float[(long)n * v];
        for (int i = 0; i < n; i++)
        {
            memory.GetKey(i).CopyTo(keys, (long)i * d);
            memory.GetValue(i).CopyTo(values, (long)i * v);
        }

        return UniversalHopfield(keys, values, n, d, v, memory.Options);
    }

    internal static byte[] UniversalHopfield(float[] keys, float[] values, int count, int keyDim, int valueDim, UniversalHopfieldOptions options)
    {
        var o = options;
        var b = new OnnxModelBuilder("universal_hopfield")
        {
            DocString = string.Create(
                CultureInfo.InvariantCulture,
                $"Universal Hopfield retrieval: retrieved = separation(similarity(query, keys)) @ values; similarity {o.Similarity}, separation {o.Separation}, beta {o.Beta}, k {o.TopK}, degree {o.Degree}; {count} patterns, key dimension {keyDim}, value dimension {valueDim}."),
        };
        b.AddInput(QueryInputName, "batch", keyDim);
        b.AddInitializer("values", values, count, valueDim);
        b.AddInt64Initializer("axis_last", [1], 1);
        b.AddInitializer("tiny", [1e-30f]);

        // Similarity → "scores" [batch, count]
        switch (o.Similarity)
        {
            case SimilarityFunction.Dot:
                b.AddInitializer("keys_t", Transpose(keys, count, keyDim), keyDim, count);
                b.AddNode("MatMul", [QueryInputName, "keys_t"], ["scores"]);
                break;
            case SimilarityFunction.Cosine:
                b.AddInitializer("keys_t", Transpose(NormalizeRows(keys, count, keyDim), count, keyDim), keyDim, count);
                b.AddNode("Mul", [QueryInputName, QueryInputName], ["q_sq"]);
                b.AddNode("ReduceSum", ["q_sq", "axis_last"], ["q_sq_sum"], OnnxAttribute.Int("keepdims", 1));
                b.AddNode("Sqrt", ["q_sq_sum"], ["q_norm"]);
                b.AddNode("Max", ["q_norm", "tiny"], ["q_norm_safe"]);
                b.AddNode("Div", [QueryInputName, "q_norm_safe"], ["q_unit"]);
                b.AddNode("MatMul", ["q_unit", "keys_t"], ["scores"]);
                break;
            case SimilarityFunction.NegativeEuclidean:
                b.AddInitializer("keys_t", Transpose(keys, count, keyDim), keyDim, count);
                b.AddInitializer("keys_sq", SquaredNorms(keys, count, keyDim), 1, count);
                b.AddInitializer("two", [2f]);
                b.AddNode("Mul", [QueryInputName, QueryInputName], ["q_sq"]);
                b.AddNode("ReduceSum", ["q_sq", "axis_last"], ["q_sq_sum"], OnnxAttribute.Int("keepdims", 1));
                b.AddNode("MatMul", [QueryInputName, "keys_t"], ["qk"]);
                b.AddNode("Mul", ["qk", "two"], ["qk2"]);
                b.AddNode("Add", ["q_sq_sum", "keys_sq"], ["sq_sum"]);
                b.AddNode("Sub", ["sq_sum", "qk2"], ["dist_sq_raw"]);
                b.AddNode("Relu", ["dist_sq_raw"], ["dist_sq"]);
                b.AddNode("Sqrt", ["dist_sq"], ["dist"]);
                b.AddNode("Neg", ["dist"], ["scores"]);
                break;
            case SimilarityFunction.NegativeManhattan:
                b.AddInitializer("keys", keys, count, keyDim);
                b.AddInt64Initializer("axis_1", [1], 1);
                b.AddInt64Initializer("axis_2", [2], 1);
                b.AddNode("Unsqueeze", [QueryInputName, "axis_1"], ["q_3d"]);
                b.AddNode("Sub", ["q_3d", "keys"], ["diff"]);
                b.AddNode("Abs", ["diff"], ["abs_diff"]);
                b.AddNode("ReduceSum", ["abs_diff", "axis_2"], ["dist"], OnnxAttribute.Int("keepdims", 0));
                b.AddNode("Neg", ["dist"], ["scores"]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), o.Similarity, "Unknown similarity function.");
        }

        // Separation → attention [batch, count]
        switch (o.Separation)
        {
            case SeparationFunction.Identity:
                b.AddNode("Identity", ["scores"], [AttentionOutputName]);
                break;
            case SeparationFunction.Softmax:
                b.AddInitializer("beta", [o.Beta]);
                b.AddNode("Mul", ["scores", "beta"], ["scaled"]);
                b.AddNode("Softmax", ["scaled"], [AttentionOutputName], OnnxAttribute.Int("axis", -1));
                break;
            case SeparationFunction.Max:
                b.AddNode("Hardmax", ["scores"], [AttentionOutputName], OnnxAttribute.Int("axis", -1));
                break;
            case SeparationFunction.TopKSoftmax:
                if (o.TopK < 1 || o.TopK > count)
                {
                    throw new ArgumentOutOfRangeException(nameof(options), o.TopK, $"TopK must be between 1 and the number of stored patterns ({count}).");
                }

                b.AddInitializer("beta", [o.Beta]);
                b.AddInt64Initializer("k", [o.TopK], 1);
                b.AddNode("TopK", ["scores", "k"], ["top_scores", "top_indices"], OnnxAttribute.Int("axis", -1), OnnxAttribute.Int("largest", 1), OnnxAttribute.Int("sorted", 1));
                b.AddNode("Mul", ["top_scores", "beta"], ["top_scaled"]);
                b.AddNode("Softmax", ["top_scaled"], ["top_weights"], OnnxAttribute.Int("axis", -1));
                b.AddNode("Shape", ["scores"], ["scores_shape"]);
                b.AddNode("ConstantOfShape", ["scores_shape"], ["zeros"]);
                b.AddNode("ScatterElements", ["zeros", "top_indices", "top_weights"], [AttentionOutputName], OnnxAttribute.Int("axis", 1));
                break;
            case SeparationFunction.Polynomial:
                b.AddInitializer("degree", [o.Degree]);
                b.AddNode("Relu", ["scores"], ["positive"]);
                b.AddNode("Pow", ["positive", "degree"], ["powered"]);
                b.AddNode("ReduceSum", ["powered", "axis_last"], ["powered_sum"], OnnxAttribute.Int("keepdims", 1));
                b.AddNode("Max", ["powered_sum", "tiny"], ["powered_sum_safe"]);
                b.AddNode("Div", ["powered", "powered_sum_safe"], [AttentionOutputName]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), o.Separation, "Unknown separation function.");
        }

        b.AddNode("MatMul", [AttentionOutputName, "values"], [RetrievedOutputName]);
        b.AddOutput(RetrievedOutputName, "batch", valueDim);
        b.AddOutput(AttentionOutputName, "batch", count);
        return b.Build();
    }

    private static float[] Transpose(float[] m, int rows, int cols)
    {
        float[] t = new float[m.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                t[((long)c * rows) + r] = m[((long)r * cols) + c];
            }
        }

        return t;
    }

    private static float[] NormalizeRows(float[] m, int rows, int cols)
    {
        float[] r = new float[m.Length];
        for (int i = 0; i < rows; i++)
        {
            Hopfield.ML.Numerics.VectorKernels.NormalizeL2(m.AsSpan(i * cols, cols), r.AsSpan(i * cols, cols));
        }

        return r;
    }

    private static float[] SquaredNorms(float[] m, int rows, int cols)
    {
        float[] r = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            double s = 0;
            for (int c = 0; c < cols; c++)
            {
                double x = m[((long)i * cols) + c];
                s += x * x;
            }

            r[i] = (float)s;
        }

        return r;
    }
}
