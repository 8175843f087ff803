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
        AddRetrieval(b, string.Empty, QueryInputName, keys, values, count, keyDim, valueDim, o, RetrievedOutputName, AttentionOutputName);
        b.AddOutput(RetrievedOutputName, "batch", valueDim);
        b.AddOutput(AttentionOutputName, "batch", count);
        return b.Build();
    }

    /// <summary>Adds the retrieval nodes reading <paramref name="query"/> [batch, keyDim]; internal names get <paramref name="prefix"/>.</summary>
    private static void AddRetrieval(
        OnnxModelBuilder b, string prefix, string query, float[] keys, float[] values, int count, int keyDim, int valueDim, UniversalHopfieldOptions o,
        string retrievedName, string attentionName)
    {
        string N(string name) => prefix + name;
        b.AddInitializer(N("values"), values, count, valueDim);
        b.AddInt64Initializer(N("axis_last"), [1], 1);
        b.AddInitializer(N("tiny"), [1e-30f]);

        // Similarity → "scores" [batch, count]
        switch (o.Similarity)
        {
            case SimilarityFunction.Dot:
                b.AddInitializer(N("keys_t"), Transpose(keys, count, keyDim), keyDim, count);
                b.AddNode("MatMul", [query, N("keys_t")], [N("scores")]);
                break;
            case SimilarityFunction.Cosine:
                b.AddInitializer(N("keys_t"), Transpose(NormalizeRows(keys, count, keyDim), count, keyDim), keyDim, count);
                b.AddNode("Mul", [query, query], [N("q_sq")]);
                b.AddNode("ReduceSum", [N("q_sq"), N("axis_last")], [N("q_sq_sum")], OnnxAttribute.Int("keepdims", 1));
                b.AddNode("Sqrt", [N("q_sq_sum")], [N("q_norm")]);
                b.AddNode("Max", [N("q_norm"), N("tiny")], [N("q_norm_safe")]);
                b.AddNode("Div", [query, N("q_norm_safe")], [N("q_unit")]);
                b.AddNode("MatMul", [N("q_unit"), N("keys_t")], [N("scores")]);
                break;
            case SimilarityFunction.NegativeEuclidean:
                b.AddInitializer(N("keys_t"), Transpose(keys, count, keyDim), keyDim, count);
                b.AddInitializer(N("keys_sq"), SquaredNorms(keys, count, keyDim), 1, count);
                b.AddInitializer(N("two"), [2f]);
                b.AddNode("Mul", [query, query], [N("q_sq")]);
                b.AddNode("ReduceSum", [N("q_sq"), N("axis_last")], [N("q_sq_sum")], OnnxAttribute.Int("keepdims", 1));
                b.AddNode("MatMul", [query, N("keys_t")], [N("qk")]);
                b.AddNode("Mul", [N("qk"), N("two")], [N("qk2")]);
                b.AddNode("Add", [N("q_sq_sum"), N("keys_sq")], [N("sq_sum")]);
                b.AddNode("Sub", [N("sq_sum"), N("qk2")], [N("dist_sq_raw")]);
                b.AddNode("Relu", [N("dist_sq_raw")], [N("dist_sq")]);
                b.AddNode("Sqrt", [N("dist_sq")], [N("dist")]);
                b.AddNode("Neg", [N("dist")], [N("scores")]);
                break;
            case SimilarityFunction.NegativeManhattan:
                b.AddInitializer(N("keys"), keys, count, keyDim);
                b.AddInt64Initializer(N("axis_1"), [1], 1);
                b.AddInt64Initializer(N("axis_2"), [2], 1);
                b.AddNode("Unsqueeze", [query, N("axis_1")], [N("q_3d")]);
                b.AddNode("Sub", [N("q_3d"), N("keys")], [N("diff")]);
                b.AddNode("Abs", [N("diff")], [N("abs_diff")]);
                b.AddNode("ReduceSum", [N("abs_diff"), N("axis_2")], [N("dist")], OnnxAttribute.Int("keepdims", 0));
                b.AddNode("Neg", [N("dist")], [N("scores")]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(o), o.Similarity, "Unknown similarity function.");
        }

        // Separation → attention [batch, count]
        switch (o.Separation)
        {
            case SeparationFunction.Identity:
                b.AddNode("Identity", [N("scores")], [attentionName]);
                break;
            case SeparationFunction.Softmax:
                b.AddInitializer(N("beta"), [o.Beta]);
                b.AddNode("Mul", [N("scores"), N("beta")], [N("scaled")]);
                b.AddNode("Softmax", [N("scaled")], [attentionName], OnnxAttribute.Int("axis", -1));
                break;
            case SeparationFunction.Max:
                b.AddNode("Hardmax", [N("scores")], [attentionName], OnnxAttribute.Int("axis", -1));
                break;
            case SeparationFunction.TopKSoftmax:
                if (o.TopK < 1 || o.TopK > count)
                {
                    throw new ArgumentOutOfRangeException(nameof(o), o.TopK, $"TopK must be between 1 and the number of stored patterns ({count}).");
                }

                b.AddInitializer(N("beta"), [o.Beta]);
                b.AddInt64Initializer(N("k"), [o.TopK], 1);
                b.AddNode("TopK", [N("scores"), N("k")], [N("top_scores"), N("top_indices")], OnnxAttribute.Int("axis", -1), OnnxAttribute.Int("largest", 1), OnnxAttribute.Int("sorted", 1));
                b.AddNode("Mul", [N("top_scores"), N("beta")], [N("top_scaled")]);
                b.AddNode("Softmax", [N("top_scaled")], [N("top_weights")], OnnxAttribute.Int("axis", -1));
                b.AddNode("Shape", [N("scores")], [N("scores_shape")]);
                b.AddNode("ConstantOfShape", [N("scores_shape")], [N("zeros")]);
                b.AddNode("ScatterElements", [N("zeros"), N("top_indices"), N("top_weights")], [attentionName], OnnxAttribute.Int("axis", 1));
                break;
            case SeparationFunction.Polynomial:
                b.AddInitializer(N("degree"), [o.Degree]);
                b.AddNode("Relu", [N("scores")], [N("positive")]);
                b.AddNode("Pow", [N("positive"), N("degree")], [N("powered")]);
                b.AddNode("ReduceSum", [N("powered"), N("axis_last")], [N("powered_sum")], OnnxAttribute.Int("keepdims", 1));
                b.AddNode("Max", [N("powered_sum"), N("tiny")], [N("powered_sum_safe")]);
                b.AddNode("Div", [N("powered"), N("powered_sum_safe")], [attentionName]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(o), o.Separation, "Unknown separation function.");
        }

        b.AddNode("MatMul", [attentionName, N("values")], [retrievedName]);
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
