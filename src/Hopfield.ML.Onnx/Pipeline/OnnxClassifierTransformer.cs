using System.Globalization;
using System.Numerics.Tensors;
using Hopfield.ML.Classification;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Onnx.Pipeline;

/// <summary>
/// An ONNX classifier as a pipeline stage: the model's logits for each feature row become <c>Score = softmax(logits)</c>
/// (class probabilities) and <c>PredictedLabel = argmax Score</c>, the columns the softmax regression trainer writes, so
/// <see cref="ClassifiersCatalog.Evaluate"/> works on its output. Immutable and thread-safe; the model is saved in the file.
/// </summary>
[PipelineStage("OnnxClassifier", Version = 1)]
public sealed class OnnxClassifierTransformer : ITransformer, ILoadableStage<OnnxClassifierTransformer>
{
    private readonly ApplyOnnxModelTransformer _model;

    /// <summary>Creates the stage.</summary>
    /// <param name="model">The stage that computes the logits (its output column name is not used).</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="scoreColumnName">The probability column written.</param>
    /// <param name="predictedLabelColumnName">The predicted-class key column written.</param>
    /// <param name="logitsAreProbabilities">True when the model already outputs probabilities (no softmax is applied).</param>
    public OnnxClassifierTransformer(ApplyOnnxModelTransformer model, string featureColumnName = "Features", string scoreColumnName = "Score",
        string predictedLabelColumnName = "PredictedLabel", bool logitsAreProbabilities = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(featureColumnName);
        ArgumentException.ThrowIfNullOrEmpty(scoreColumnName);
        ArgumentException.ThrowIfNullOrEmpty(predictedLabelColumnName);
        if (model.OutputSize < 2)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The ONNX classifier outputs {model.OutputSize} value(s) per row; a classifier needs at least 2 classes."), nameof(model));
        }

        _model = model;
        FeatureColumnName = featureColumnName;
        ScoreColumnName = scoreColumnName;
        PredictedLabelColumnName = predictedLabelColumnName;
        LogitsAreProbabilities = logitsAreProbabilities;
    }

    /// <summary>Gets the feature column read.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Gets the probability column written.</summary>
    public string ScoreColumnName { get; }

    /// <summary>Gets the predicted-class column written.</summary>
    public string PredictedLabelColumnName { get; }

    /// <summary>Gets a value indicating whether the model output is used as probabilities without softmax.</summary>
    public bool LogitsAreProbabilities { get; }

    /// <summary>Gets the number of classes (the model's output size).</summary>
    public int ClassCount => _model.OutputSize;

    /// <summary>Gets the stage that runs the model.</summary>
    public ApplyOnnxModelTransformer Model => _model;

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static OnnxClassifierTransformer Load(ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.LoadStage("model") is not ApplyOnnxModelTransformer model)
        {
            throw context.Error("child 'model' is not an ApplyOnnxModel stage");
        }

        return new OnnxClassifierTransformer(
            model, context.GetString("featureColumnName"), context.GetString("scoreColumnName"), context.GetString("predictedLabelColumnName"), context.GetBoolean("logitsAreProbabilities"));
    }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.RequireFloats(FeatureColumnName, _model.InputSize);
        return MulticlassPredictionTransformer.OutputSchema(inputSchema, ScoreColumnName, PredictedLabelColumnName, ClassCount);
    }

    /// <inheritdoc />
    public DataSet Transform(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        int n = input.RowCount, k = ClassCount;
        var scores = new float[(long)n * k];
        var predicted = new int[n];
        if (n > 0)
        {
            _model.MapFeatures(input.GetColumn(FeatureColumnName).GetFloats(), n, scores);
        }

        for (int r = 0; r < n; r++)
        {
            var p = scores.AsSpan(r * k, k);
            if (!LogitsAreProbabilities)
            {
                TensorPrimitives.SoftMax(p, p);
            }

            predicted[r] = TensorPrimitives.IndexOfMax(p);
        }

        return input.WithColumn(DataColumn.CreateVector(ScoreColumnName, scores, k))
            .WithColumn(DataColumn.CreateKey(PredictedLabelColumnName, predicted, k));
    }

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetParameter("featureColumnName", FeatureColumnName);
        context.SetParameter("scoreColumnName", ScoreColumnName);
        context.SetParameter("predictedLabelColumnName", PredictedLabelColumnName);
        context.SetParameter("logitsAreProbabilities", LogitsAreProbabilities);
        context.SaveStage("model", _model);
    }
}
