using System.Globalization;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Classification;

/// <summary>Multiclass trainers and evaluation (ML.NET's <c>MulticlassClassificationCatalog</c>).</summary>
public sealed class ClassifiersCatalog
{
    internal ClassifiersCatalog(HopfieldContext context) => Context = context;

    /// <summary>The owning context.</summary>
    public HopfieldContext Context { get; }

    /// <summary>Multinomial logistic regression trained by L-BFGS with L2 and early stopping.</summary>
    /// <param name="labelColumnName">The key column with the classes.</param>
    /// <param name="featureColumnName">The float vector column with the features.</param>
    /// <param name="l2Regularization">The L2 penalty.</param>
    /// <param name="maxIterations">The most L-BFGS iterations.</param>
    /// <returns>The trainer.</returns>
    public SoftmaxRegressionTrainer SoftmaxRegression(
        string labelColumnName = SoftmaxRegressionTrainer.Defaults.LabelColumnName,
        string featureColumnName = SoftmaxRegressionTrainer.Defaults.FeatureColumnName,
        float l2Regularization = SoftmaxRegressionTrainer.Defaults.L2Regularization,
        int maxIterations = SoftmaxRegressionTrainer.Defaults.MaxIterations) =>
        new(Context, new SoftmaxRegressionTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            L2Regularization = l2Regularization,
            MaxIterations = maxIterations,
        });

    /// <summary>Multinomial logistic regression with full options.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The trainer.</returns>
    public SoftmaxRegressionTrainer SoftmaxRegression(SoftmaxRegressionTrainer.Options options) => new(Context, options);

    /// <summary>
    /// Evaluates scored data: accuracy, macro-accuracy, macro-F1, log-loss and the confusion matrix. The predicted class is read
    /// from <paramref name="predictedLabelColumnName"/>, or taken as the arg-max of the score column when that column is absent;
    /// the log-loss needs the score column (class probabilities) and is NaN without it.
    /// </summary>
    /// <param name="data">Scored data (the output of a fitted model).</param>
    /// <param name="labelColumnName">The key column with the true classes.</param>
    /// <param name="scoreColumnName">The probability vector column.</param>
    /// <param name="predictedLabelColumnName">The predicted key column.</param>
    /// <returns>The metrics.</returns>
    public MulticlassClassificationMetrics Evaluate(DataSet data,
        string labelColumnName = SoftmaxRegressionTrainer.Defaults.LabelColumnName,
        string scoreColumnName = SoftmaxRegressionTrainer.Defaults.ScoreColumnName,
        string predictedLabelColumnName = SoftmaxRegressionTrainer.Defaults.PredictedLabelColumnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        var schema = data.Schema;
        var label = schema.RequireKind(labelColumnName, ColumnKind.Key);
        bool hasScore = schema.TryGetColumn(scoreColumnName, out var score);
        bool hasPredicted = schema.TryGetColumn(predictedLabelColumnName, out _);
        if (!hasScore && !hasPredicted)
        {
            throw new SchemaMismatchException(predictedLabelColumnName,
                $"Neither column '{predictedLabelColumnName}' nor '{scoreColumnName}' found; available: {string.Join(", ", schema.Names)}.");
        }

        int k = label.KeyCount;
        if (hasScore)
        {
            schema.RequireFloats(scoreColumnName, allowScalar: false);
            k = Math.Max(k, score!.VectorSize);
        }

        int[] predicted;
        if (hasPredicted)
        {
            var p = schema.RequireKind(predictedLabelColumnName, ColumnKind.Key);
            k = Math.Max(k, p.KeyCount);
            predicted = data.GetColumn(predictedLabelColumnName).GetKeys().ToArray();
        }
        else
        {
            var s = data.GetColumn(scoreColumnName);
            predicted = new int[data.RowCount];
            for (int i = 0; i < predicted.Length; i++)
            {
                predicted[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(s.GetVector(i));
            }
        }

        ReadOnlySpan<float> probabilities = default;
        if (hasScore)
        {
            if (score!.VectorSize != k)
            {
                throw new SchemaMismatchException(scoreColumnName, string.Create(CultureInfo.InvariantCulture,
                    $"Column '{scoreColumnName}' has vector size {score.VectorSize}, expected {k} (the number of classes)."));
            }

            probabilities = data.GetColumn(scoreColumnName).GetFloats();
        }

        return MulticlassClassificationMetrics.Compute(data.GetColumn(labelColumnName).GetKeys(), predicted, probabilities, k);
    }
}
