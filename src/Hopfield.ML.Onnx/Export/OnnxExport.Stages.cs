using System.Globalization;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Pipeline.Stages;

namespace Hopfield.ML.Onnx.Export;

public static partial class OnnxExport
{
    /// <summary>The name of the exported Hopfield classifier's score output (class probabilities).</summary>
    public const string ScoreOutputName = "score";

    /// <summary>The name of the exported Hopfield classifier's predicted-label output (the class index, as a float).</summary>
    public const string PredictedLabelOutputName = "predicted_label";

    /// <summary>
    /// Exports a fitted <see cref="HopfieldDenoiseTransformer"/>: <see cref="HopfieldDenoiseTransformer.Steps"/> retrieval
    /// steps from its stored patterns with its similarity and separation, and its confidence gate (a row whose largest
    /// first-step attention weight is below the gate passes unchanged).
    /// </summary>
    /// <remarks>
    /// <see cref="HopfieldDenoiseTransformer.ExcludeIdentical"/> is a training-time device (leave-one-out retrievals of the
    /// stored rows) and is not part of the graph: a query that is bit-for-bit one of the stored training rows gets its own
    /// retrieval, which includes that row. Every other query gets the stage's output. Each step stores its own copy of
    /// the patterns, so the file grows with the number of steps.
    /// </remarks>
    /// <param name="stage">The fitted stage.</param>
    /// <returns>The model: input <see cref="QueryInputName"/> [batch, dimension]; outputs <see cref="RetrievedOutputName"/>
    /// [batch, dimension] (the denoised vector) and <see cref="AttentionOutputName"/> [batch, patterns] (the first step's
    /// attention).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stage"/> is null.</exception>
    public static byte[] HopfieldDenoise(HopfieldDenoiseTransformer stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        int n = stage.PatternCount, d = stage.InputSize;
        float[] patterns = stage.Patterns.ToArray();
        var o = stage.MemoryOptions;
        var b = new OnnxModelBuilder("hopfield_denoise")
        {
            DocString = string.Create(
                CultureInfo.InvariantCulture,
                $"HopfieldDenoise: {stage.Steps} retrieval step(s) from {n} stored patterns of dimension {d}; similarity {o.Similarity}, separation {o.Separation}, beta {o.Beta}, k {o.TopK}; confidence gate {stage.ConfidenceGate}."),
        };
        b.AddInput(QueryInputName, "batch", d);
        string current = QueryInputName;
        for (int step = 0; step < stage.Steps; step++)
        {
            string prefix = string.Create(CultureInfo.InvariantCulture, $"step{step}_");
            string retrieved = prefix + "retrieved";
            AddRetrieval(b, prefix, current, patterns, patterns, n, d, d, o, retrieved, step == 0 ? AttentionOutputName : prefix + "attention");
            current = retrieved;
        }

        if (stage.ConfidenceGate > 0)
        {
            b.AddInitializer("gate", [stage.ConfidenceGate]);
            b.AddNode("ReduceMax", [AttentionOutputName], ["attention_max"], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 1));
            b.AddNode("Less", ["attention_max", "gate"], ["unsure"]);
            b.AddNode("Where", ["unsure", QueryInputName, current], [RetrievedOutputName]);
        }
        else
        {
            b.AddNode("Identity", [current], [RetrievedOutputName]);
        }

        b.AddOutput(RetrievedOutputName, "batch", d);
        b.AddOutput(AttentionOutputName, "batch", n);
        return b.Build();
    }

    /// <summary>
    /// Exports a fitted <see cref="HopfieldClassifierTransformer"/>: retrieval of one-hot labels from the stored inputs,
    /// normalised to sum 1 where the sum is positive (as the stage does), and the arg-max.
    /// </summary>
    /// <param name="stage">The fitted classifier.</param>
    /// <returns>The model: input <see cref="QueryInputName"/> [batch, features]; outputs <see cref="ScoreOutputName"/>
    /// [batch, classes], <see cref="PredictedLabelOutputName"/> [batch] (the class index as a float, first maximum) and
    /// <see cref="AttentionOutputName"/> [batch, stored inputs].</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stage"/> is null.</exception>
    public static byte[] HopfieldClassifier(HopfieldClassifierTransformer stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        int n = stage.KeyCount, d = stage.FeatureCount, k = stage.ClassCount;
        float[] oneHot = new float[(long)n * k];
        for (int i = 0; i < n; i++)
        {
            oneHot[((long)i * k) + stage.KeyLabels[i]] = 1f;
        }

        var o = stage.MemoryOptions;
        var b = new OnnxModelBuilder("hopfield_classifier")
        {
            DocString = string.Create(
                CultureInfo.InvariantCulture,
                $"HopfieldClassifier: hetero-association from {n} stored inputs of dimension {d} to {k} one-hot classes; similarity {o.Similarity}, separation {o.Separation}, beta {o.Beta}, k {o.TopK}."),
        };
        b.AddInput(QueryInputName, "batch", d);
        AddRetrieval(b, "memory_", QueryInputName, stage.Keys.ToArray(), oneHot, n, d, k, o, "raw_score", AttentionOutputName);
        b.AddInt64Initializer("class_axis", [1], 1);
        b.AddInitializer("zero", [0f]);
        b.AddInitializer("one", [1f]);
        b.AddNode("ReduceSum", ["raw_score", "class_axis"], ["raw_sum"], OnnxAttribute.Int("keepdims", 1));
        b.AddNode("Greater", ["raw_sum", "zero"], ["positive_sum"]);
        b.AddNode("Where", ["positive_sum", "raw_sum", "one"], ["divisor"]);
        b.AddNode("Div", ["raw_score", "divisor"], [ScoreOutputName]);
        b.AddNode("ArgMax", [ScoreOutputName], ["predicted_index"], OnnxAttribute.Int("axis", 1), OnnxAttribute.Int("keepdims", 0), OnnxAttribute.Int("select_last_index", 0));
        b.AddNode("Cast", ["predicted_index"], [PredictedLabelOutputName], OnnxAttribute.Int("to", 1));
        b.AddOutput(ScoreOutputName, "batch", k);
        b.AddOutput(PredictedLabelOutputName, "batch");
        b.AddOutput(AttentionOutputName, "batch", n);
        return b.Build();
    }

    /// <summary>The name of the exported Hopfield pooling stage's input (a bag: MaxInstances × InstanceDimension, zero rows = padding).</summary>
    public const string BagInputName = "bag";

    /// <summary>The name of the exported Hopfield pooling stage's pooled output (QueryCount × InstanceDimension per row).</summary>
    public const string PooledOutputName = "pooled";

    /// <summary>
    /// Exports a fitted <see cref="HopfieldPoolTransformer"/>: per row, the memory is the bag's non-zero instances (when
    /// <see cref="HopfieldPoolTransformer.IncludeBag"/>) and the stored prototypes; each query (the mean of the bag's
    /// instances, or the fitted seeds) attends to it with <c>softmax(β · similarity)</c>, and the pooled vectors are the
    /// attention-weighted sums. All-zero rows of the bag are padding: masked out of the softmax and of the mean.
    /// </summary>
    /// <param name="stage">The fitted stage.</param>
    /// <returns>The model: input <see cref="BagInputName"/> [batch, MaxInstances·InstanceDimension]; outputs
    /// <see cref="PooledOutputName"/> [batch, QueryCount·InstanceDimension] and <see cref="AttentionOutputName"/>
    /// [batch, QueryCount, MaxInstances + prototypes] (bag slots first, then the prototypes in
    /// <see cref="HopfieldPoolTransformer.PrototypeLabels"/> order; padding slots get weight 0).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stage"/> is null.</exception>
    public static byte[] HopfieldPool(HopfieldPoolTransformer stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        int n = stage.MaxInstances, d = stage.InstanceDimension, p = stage.PrototypeLabels.Count, queries = stage.QueryCount;
        var b = new OnnxModelBuilder("hopfield_pool")
        {
            DocString = string.Create(
                CultureInfo.InvariantCulture,
                $"HopfieldPool: bags of up to {n} instances of dimension {d}, {p} prototypes, {queries} {stage.Query} quer(y/ies); similarity {stage.Similarity}, beta {stage.Beta}; bag instances in memory: {stage.IncludeBag}."),
        };
        b.AddInput(BagInputName, "batch", n * d);
        b.AddInt64Initializer("bag_shape", [0, n, d], 3);
        b.AddInt64Initializer("axis_1", [1], 1);
        b.AddInt64Initializer("axis_2", [2], 1);
        b.AddInitializer("one", [1f]);
        b.AddInitializer("tiny", [1e-30f]);
        b.AddInitializer("beta", [stage.Beta]);
        b.AddInitializer("masked", [-1e30f]);
        b.AddNode("Reshape", [BagInputName, "bag_shape"], ["bag3"]);                                  // [b, n, d]

        // Padding: all-zero instances. valid [b, n] in {0, 1}.
        b.AddNode("Abs", ["bag3"], ["bag_abs"]);
        b.AddNode("ReduceMax", ["bag_abs"], ["bag_absmax"], OnnxAttribute.Ints("axes", 2), OnnxAttribute.Int("keepdims", 0));
        b.AddNode("Sign", ["bag_absmax"], ["valid"]);

        // Queries q [b, S, d] (bag mean) or [S, d] (seeds, broadcast).
        string query;
        if (stage.Query == PoolingQuery.BagMean)
        {
            b.AddNode("ReduceSum", ["bag3", "axis_1"], ["bag_sum"], OnnxAttribute.Int("keepdims", 1));   // [b, 1, d]
            b.AddNode("ReduceSum", ["valid", "axis_1"], ["valid_count"], OnnxAttribute.Int("keepdims", 1)); // [b, 1]
            b.AddNode("Max", ["valid_count", "one"], ["valid_count_safe"]);
            b.AddNode("Unsqueeze", ["valid_count_safe", "axis_2"], ["valid_count3"]);                  // [b, 1, 1]
            b.AddNode("Div", ["bag_sum", "valid_count3"], ["query"]);
            query = "query";
        }
        else
        {
            b.AddInitializer("seeds", stage.QuerySeeds, queries, d);
            query = "seeds";
        }

        // Scores against the bag's instances [b, S, n] and the prototypes [b, S, p].
        var parts = new List<string>();
        if (stage.IncludeBag)
        {
            AddPoolScores(b, stage.Similarity, query, "bag3", keysAreBatched: true, "bag");
            b.AddNode("Sub", ["one", "valid"], ["invalid"]);
            b.AddNode("Mul", ["invalid", "masked"], ["penalty2"]);
            b.AddNode("Unsqueeze", ["penalty2", "axis_1"], ["penalty"]);                              // [b, 1, n]
            b.AddNode("Mul", ["bag_scores", "beta"], ["bag_scaled"]);
            b.AddNode("Add", ["bag_scaled", "penalty"], ["bag_logits"]);
            parts.Add("bag_logits");
        }

        if (p > 0)
        {
            b.AddInitializer("prototypes", stage.Prototypes, p, d);
            AddPoolScores(b, stage.Similarity, query, "prototypes", keysAreBatched: false, "proto");
            b.AddNode("Mul", ["proto_scores", "beta"], ["proto_logits_raw"]);
            if (stage.Query == PoolingQuery.Seeds)
            {
                // Seeds against prototypes: [S, p], no batch axis yet; add one from the bag so every row gets its copy.
                b.AddNode("ReduceSum", ["valid", "axis_1"], ["valid_for_batch"], OnnxAttribute.Int("keepdims", 1)); // [b, 1]
                b.AddInitializer("zero", [0f]);
                b.AddNode("Mul", ["valid_for_batch", "zero"], ["batch_zeros2"]);
                b.AddNode("Unsqueeze", ["batch_zeros2", "axis_2"], ["batch_zeros"]);                       // [b, 1, 1]
                b.AddNode("Add", ["proto_logits_raw", "batch_zeros"], ["proto_logits"]);
            }
            else
            {
                b.AddNode("Identity", ["proto_logits_raw"], ["proto_logits"]);
            }

            parts.Add("proto_logits");
        }

        if (parts.Count == 2)
        {
            b.AddNode("Concat", [.. parts], ["logits"], OnnxAttribute.Int("axis", -1));
        }
        else
        {
            b.AddNode("Identity", [parts[0]], ["logits"]);
        }

        b.AddNode("Softmax", ["logits"], [AttentionOutputName], OnnxAttribute.Int("axis", -1));       // [b, S, n + p]

        // Pooled = attention · [bag instances; prototypes].
        var sums = new List<string>();
        if (stage.IncludeBag)
        {
            b.AddInt64Initializer("bag_start", [0], 1);
            b.AddInt64Initializer("bag_end", [n], 1);
            b.AddInt64Initializer("last_axis", [-1], 1);
            b.AddNode("Slice", [AttentionOutputName, "bag_start", "bag_end", "last_axis"], ["bag_attention"]);
            b.AddNode("MatMul", ["bag_attention", "bag3"], ["bag_pooled"]);
            sums.Add("bag_pooled");
        }

        if (p > 0)
        {
            b.AddInt64Initializer("proto_start", [stage.IncludeBag ? n : 0], 1);
            b.AddInt64Initializer("proto_end", [long.MaxValue], 1);
            b.AddInt64Initializer("proto_axis", [-1], 1);
            b.AddNode("Slice", [AttentionOutputName, "proto_start", "proto_end", "proto_axis"], ["proto_attention"]);
            b.AddNode("MatMul", ["proto_attention", "prototypes"], ["proto_pooled"]);
            sums.Add("proto_pooled");
        }

        if (sums.Count == 2)
        {
            b.AddNode("Add", [.. sums], ["pooled3"]);
        }
        else
        {
            b.AddNode("Identity", [sums[0]], ["pooled3"]);
        }

        b.AddInt64Initializer("pooled_shape", [0, (long)queries * d], 2);
        b.AddNode("Reshape", ["pooled3", "pooled_shape"], [PooledOutputName]);
        b.AddOutput(PooledOutputName, "batch", queries * d);
        b.AddOutput(AttentionOutputName, "batch", queries, (stage.IncludeBag ? n : 0) + p);
        return b.Build();
    }

    /// <summary>Scores <c>{prefix}_scores</c> [b, S, m] of the queries against keys [b, m, d] (batched) or [m, d].</summary>
    private static void AddPoolScores(OnnxModelBuilder b, SimilarityFunction similarity, string query, string keys, bool keysAreBatched, string prefix)
    {
        string N(string name) => prefix + "_" + name;
        string Transposed(string k)
        {
            b.AddNode("Transpose", [k], [N("keys_t")], OnnxAttribute.Ints("perm", keysAreBatched ? [0, 2, 1] : [1, 0]));
            return N("keys_t");
        }

        string lastAxis = "axis_last_" + prefix;
        b.AddInt64Initializer(lastAxis, [-1], 1);
        switch (similarity)
        {
            case SimilarityFunction.Dot:
                b.AddNode("MatMul", [query, Transposed(keys)], [N("scores")]);
                break;
            case SimilarityFunction.Cosine:
                foreach (var (x, unit) in new[] { (query, N("q_unit")), (keys, N("k_unit")) })
                {
                    b.AddNode("Mul", [x, x], [unit + "_sq"]);
                    b.AddNode("ReduceSum", [unit + "_sq", lastAxis], [unit + "_sqsum"], OnnxAttribute.Int("keepdims", 1));
                    b.AddNode("Sqrt", [unit + "_sqsum"], [unit + "_norm"]);
                    b.AddNode("Max", [unit + "_norm", "tiny"], [unit + "_norm_safe"]);
                    b.AddNode("Div", [x, unit + "_norm_safe"], [unit]); // a zero vector stays zero: cosine 0, as the stage
                }

                b.AddNode("MatMul", [N("q_unit"), Transposed(N("k_unit"))], [N("scores")]);
                break;
            case SimilarityFunction.NegativeEuclidean:
            case SimilarityFunction.NegativeManhattan:
                // Differences q − k for every pair: [b, S, 1, d] − [b, 1, m, d] (or [m, d]) → [b, S, m, d].
                b.AddNode("Unsqueeze", [query, "axis_" + prefix + "_q"], [N("q4")]);
                b.AddInt64Initializer("axis_" + prefix + "_q", [-2], 1);
                if (keysAreBatched)
                {
                    b.AddNode("Unsqueeze", [keys, "axis_1"], [N("k4")]);
                }
                else
                {
                    b.AddNode("Identity", [keys], [N("k4")]);
                }

                b.AddNode("Sub", [N("q4"), N("k4")], [N("diff")]);
                if (similarity == SimilarityFunction.NegativeManhattan)
                {
                    b.AddNode("Abs", [N("diff")], [N("absdiff")]);
                    b.AddNode("ReduceSum", [N("absdiff"), lastAxis], [N("dist")], OnnxAttribute.Int("keepdims", 0));
                }
                else
                {
                    b.AddNode("Mul", [N("diff"), N("diff")], [N("sqdiff")]);
                    b.AddNode("ReduceSum", [N("sqdiff"), lastAxis], [N("dist_sq")], OnnxAttribute.Int("keepdims", 0));
                    b.AddNode("Sqrt", [N("dist_sq")], [N("dist")]);
                }

                b.AddNode("Neg", [N("dist")], [N("scores")]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(similarity), similarity, "Unknown similarity function.");
        }
    }
}
