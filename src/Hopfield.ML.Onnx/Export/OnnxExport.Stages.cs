using System.Globalization;
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
}
