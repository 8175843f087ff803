using System.Globalization;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.Pipeline;

namespace Hopfield.ML.Onnx.Export;

/// <summary>Export of semantic retrieval: the encoder φ and the memory in one ONNX graph.</summary>
public static partial class OnnxExport
{
    private const string SemanticPrefix = "hopfield/";

    /// <summary>
    /// Exports semantic retrieval as one model: the encoder φ's graph (copied unchanged, its input stays the model input),
    /// optionally an L2 normalisation of the embedding, then one retrieval step of <paramref name="memory"/> whose keys are
    /// embeddings: <c>retrieved = separation(similarity(φ(x), K)) · V</c>.
    /// </summary>
    /// <param name="encoderModel">The encoder's serialised ONNX model (default-domain opset 13 or later).</param>
    /// <param name="memory">A memory whose keys are φ embeddings (for example <c>SemanticMemory.Memory</c>: values are the stored originals).</param>
    /// <param name="normalizeEmbedding">Whether to L2-normalise the embedding before retrieval.</param>
    /// <param name="encoderOutputName">The encoder output holding the embedding; null for its first output.</param>
    /// <returns>The model: the encoder's input; outputs <see cref="RetrievedOutputName"/> [batch, ValueDimension],
    /// <see cref="AttentionOutputName"/> [batch, Count] and the encoder's embedding output.</returns>
    /// <exception cref="ArgumentException">The encoder's embedding size differs from the memory's key dimension, or its output is unknown.</exception>
    /// <exception cref="NotSupportedException">The encoder's opset is older than 13.</exception>
    /// <exception cref="InvalidDataException">The encoder bytes are not a well-formed model.</exception>
    public static byte[] SemanticRetrieve(byte[] encoderModel, UniversalHopfieldMemory memory, bool normalizeEmbedding = false, string? encoderOutputName = null)
    {
        ArgumentNullException.ThrowIfNull(encoderModel);
        ArgumentNullException.ThrowIfNull(memory);
        int n = memory.Count, d = memory.KeyDimension, v = memory.ValueDimension;
        var o = memory.Options;
        var b = new OnnxModelBuilder("semantic_retrieve")
        {
            DocString = string.Create(
                CultureInfo.InvariantCulture,
                $"Semantic retrieval: retrieved = separation(similarity(phi(x), keys)) @ values; encoder graph copied; similarity {o.Similarity}, separation {o.Separation}, beta {o.Beta}, k {o.TopK}, degree {o.Degree}; {n} patterns, embedding dimension {d}, value dimension {v}{(normalizeEmbedding ? "; embedding L2-normalised" : string.Empty)}."),
        };
        const string what = "encoder model";
        var (outputs, outputDims) = b.AddGraphOfWithShapes(encoderModel, what);
        string embedding = encoderOutputName ?? outputs.FirstOrDefault() ?? throw new ArgumentException("The encoder model has no outputs.", nameof(encoderModel));
        int index = outputs.IndexOf(embedding);
        if (index < 0)
        {
            throw new ArgumentException($"The encoder has no output '{embedding}'; its outputs are {string.Join(", ", outputs)}.", nameof(encoderOutputName));
        }

        long opset = b.DefaultDomainOpset(what);
        if (opset < 13)
        {
            throw new NotSupportedException($"The encoder imports default-domain opset {opset}; semantic export needs 13 or later.");
        }

        long? size = outputDims[index];
        if (size is long s && s != d)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The encoder output '{embedding}' has {s} values per row but the memory's keys have dimension {d}."), nameof(memory));
        }

        float[] keys = new float[(long)n * d];
        float[] values = new float[(long)n * v];
        for (int i = 0; i < n; i++)
        {
            memory.GetKey(i).CopyTo(keys, (long)i * d);
            memory.GetValue(i).CopyTo(values, (long)i * v);
        }

        string query = embedding;
        if (normalizeEmbedding)
        {
            b.AddInt64Initializer(SemanticPrefix + "norm_axis", [-1], 1);
            b.AddInitializer(SemanticPrefix + "norm_tiny", [1e-30f]);
            b.AddNode("Mul", [embedding, embedding], [SemanticPrefix + "e_sq"]);
            b.AddNode("ReduceSum", [SemanticPrefix + "e_sq", SemanticPrefix + "norm_axis"], [SemanticPrefix + "e_sq_sum"], OnnxAttribute.Int("keepdims", 1));
            b.AddNode("Sqrt", [SemanticPrefix + "e_sq_sum"], [SemanticPrefix + "e_norm"]);
            b.AddNode("Max", [SemanticPrefix + "e_norm", SemanticPrefix + "norm_tiny"], [SemanticPrefix + "e_norm_safe"]);
            b.AddNode("Div", [embedding, SemanticPrefix + "e_norm_safe"], [SemanticPrefix + "e_unit"]);
            query = SemanticPrefix + "e_unit";
        }

        AddRetrieval(b, SemanticPrefix, query, keys, values, n, d, v, o, RetrievedOutputName, AttentionOutputName);
        b.AddOutput(RetrievedOutputName, "batch", v);
        b.AddOutput(AttentionOutputName, "batch", n);
        b.AddOutput(embedding, "batch", d);
        return b.Build();
    }

    /// <summary>Exports a fitted <see cref="SemanticRetrieveTransformer"/> (its encoder and its memory) as one ONNX model.</summary>
    /// <param name="stage">The fitted stage.</param>
    /// <returns>The model (see <see cref="SemanticRetrieve(byte[], UniversalHopfieldMemory, bool, string?)"/>); <see cref="RetrievedOutputName"/>
    /// is the retrieved original, and the arg-max of <see cref="AttentionOutputName"/> the stored index.</returns>
    public static byte[] SemanticRetrieve(SemanticRetrieveTransformer stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return SemanticRetrieve(stage.Encoder.ModelBytes, stage.Memory.Memory, stage.Encoder.Normalize, stage.Encoder.ModelOutputName);
    }
}
