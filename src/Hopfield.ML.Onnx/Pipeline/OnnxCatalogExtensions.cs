using Hopfield.ML.Classification;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Onnx.Pipeline;

/// <summary>Catalog entries of the ONNX stages: <c>ctx.Transforms.ApplyOnnxModel(...)</c>, <c>ctx.Classifiers.OnnxClassifier(...)</c>, ….</summary>
public static class OnnxCatalogExtensions
{
    /// <summary>Runs any ONNX model (one float input, batch first) on a float vector column.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The input column; null for the output column.</param>
    /// <param name="modelFile">The .onnx file (its bytes are kept in the fitted stage and saved with it).</param>
    /// <param name="modelOutputName">The model output to use; null for the first.</param>
    /// <param name="batchSize">Rows per ONNX Runtime call.</param>
    /// <returns>The estimator.</returns>
    public static TrivialEstimator<ApplyOnnxModelTransformer> ApplyOnnxModel(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName, string modelFile,
        string? modelOutputName = null, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(ApplyOnnxModelTransformer.FromFile(outputColumnName, inputColumnName, modelFile, modelOutputName, normalize: false, batchSize));
    }

    /// <summary>Embeds a float vector column with an ONNX encoder φ (for example the SimCLR encoder), optionally L2-normalised.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The embedding column.</param>
    /// <param name="inputColumnName">The image column (e.g. 784 pixels in [0,1]).</param>
    /// <param name="modelFile">The encoder .onnx file.</param>
    /// <param name="normalize">Whether to L2-normalise the embeddings (default true).</param>
    /// <param name="modelOutputName">The model output; null for the first.</param>
    /// <param name="batchSize">Rows per call.</param>
    /// <returns>The estimator.</returns>
    public static TrivialEstimator<ApplyOnnxModelTransformer> ApplyOnnxEncoder(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, string modelFile,
        bool normalize = true, string? modelOutputName = null, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(ApplyOnnxModelTransformer.FromFile(outputColumnName, inputColumnName, modelFile, modelOutputName, normalize, batchSize));
    }

    /// <summary>Semantic retrieval: stores the fit rows and retrieves by similarity of φ embeddings.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The input (image) column.</param>
    /// <param name="encoderModelFile">The encoder φ (.onnx).</param>
    /// <param name="options">Similarity and separation in embedding space; null for negative Manhattan with max separation.</param>
    /// <param name="output">Retrieved original, index or label.</param>
    /// <param name="labelColumnName">Label key column (for <see cref="SemanticRetrieveOutput.Label"/>).</param>
    /// <param name="maxStored">Store at most this many rows; 0 for all.</param>
    /// <returns>The estimator.</returns>
    public static SemanticRetrieveEstimator SemanticRetrieve(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, string encoderModelFile,
        UniversalHopfieldOptions? options = null, SemanticRetrieveOutput output = SemanticRetrieveOutput.Original, string labelColumnName = "Label", int maxStored = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var encoder = ApplyOnnxModelTransformer.FromFile(outputColumnName + ".phi", inputColumnName, encoderModelFile);
        return new(outputColumnName, inputColumnName, encoder, options, output, labelColumnName, maxStored);
    }

    /// <summary>An ONNX classifier (logits output) as a pipeline stage writing <c>Score</c> and <c>PredictedLabel</c>.</summary>
    /// <param name="catalog">The classifiers catalog.</param>
    /// <param name="modelFile">The .onnx file.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="scoreColumnName">The probability column.</param>
    /// <param name="predictedLabelColumnName">The predicted-class column.</param>
    /// <param name="modelOutputName">The model output holding the logits; null for the first.</param>
    /// <returns>The estimator.</returns>
    public static TrivialEstimator<OnnxClassifierTransformer> OnnxClassifier(this ClassifiersCatalog catalog, string modelFile, string featureColumnName = "Features",
        string scoreColumnName = "Score", string predictedLabelColumnName = "PredictedLabel", string? modelOutputName = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var model = ApplyOnnxModelTransformer.FromFile(scoreColumnName, featureColumnName, modelFile, modelOutputName);
        return new(new OnnxClassifierTransformer(model, featureColumnName, scoreColumnName, predictedLabelColumnName));
    }
}
