using System.Globalization;
using System.Text;

namespace Hopfield.ML.Classification;

/// <summary>A confusion matrix: <c>Counts[actual, predicted]</c>.</summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    internal ConfusionMatrix(long[,] counts)
    {
        _counts = counts;
        ClassCount = counts.GetLength(0);
        var precision = new double[ClassCount];
        var recall = new double[ClassCount];
        for (int c = 0; c < ClassCount; c++)
        {
            long predicted = 0, actual = 0;
            for (int o = 0; o < ClassCount; o++)
            {
                predicted += counts[o, c];
                actual += counts[c, o];
            }

            precision[c] = predicted == 0 ? 0 : (double)counts[c, c] / predicted;
            recall[c] = actual == 0 ? 0 : (double)counts[c, c] / actual;
        }

        PerClassPrecision = precision;
        PerClassRecall = recall;
    }

    /// <summary>The number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The count of rows of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    /// <param name="actual">The true class.</param>
    /// <param name="predicted">The predicted class.</param>
    /// <returns>The count.</returns>
    public long this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>Per-class precision (0 for a class never predicted).</summary>
    public IReadOnlyList<double> PerClassPrecision { get; }

    /// <summary>Per-class recall (0 for a class with no rows).</summary>
    public IReadOnlyList<double> PerClassRecall { get; }

    /// <summary>A readable table: rows are actual classes, columns predicted, with recall per row and precision per column.</summary>
    /// <param name="classNames">Optional class names (default: the class indices).</param>
    /// <returns>The table.</returns>
    public string ToTable(IReadOnlyList<string>? classNames = null)
    {
        string Name(int c) => classNames is not null && c < classNames.Count ? classNames[c] : c.ToString(CultureInfo.InvariantCulture);
        int labelWidth = Math.Max(9, Enumerable.Range(0, ClassCount).Select(c => Name(c).Length).DefaultIfEmpty(0).Max());
        long max = 0;
        foreach (long v in _counts)
        {
            max = Math.Max(max, v);
        }

        int w = Math.Max(6, Math.Max(max.ToString(CultureInfo.InvariantCulture).Length, Enumerable.Range(0, ClassCount).Select(c => Name(c).Length).DefaultIfEmpty(0).Max()) + 1);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Confusion table ({ClassCount} classes; rows: actual, columns: predicted)").AppendLine();
        sb.Append(new string(' ', labelWidth)).Append(" |");
        for (int c = 0; c < ClassCount; c++)
        {
            sb.Append(Name(c).PadLeft(w));
        }

        sb.Append(" | Recall").AppendLine();
        sb.Append(new string('-', labelWidth + 2 + (w * ClassCount) + 9)).AppendLine();
        for (int a = 0; a < ClassCount; a++)
        {
            sb.Append(Name(a).PadRight(labelWidth)).Append(" |");
            for (int p = 0; p < ClassCount; p++)
            {
                sb.Append(_counts[a, p].ToString(CultureInfo.InvariantCulture).PadLeft(w));
            }

            sb.Append(" | ").Append(PerClassRecall[a].ToString("0.0000", CultureInfo.InvariantCulture)).AppendLine();
        }

        sb.Append(new string('-', labelWidth + 2 + (w * ClassCount) + 9)).AppendLine();
        sb.Append("Precision".PadRight(labelWidth)).Append(" |");
        for (int p = 0; p < ClassCount; p++)
        {
            sb.Append(PerClassPrecision[p].ToString("0.000", CultureInfo.InvariantCulture).PadLeft(w));
        }

        return sb.AppendLine().ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToTable();
}

/// <summary>Multiclass classification quality (ML.NET's <c>MulticlassClassificationMetrics</c>).</summary>
public sealed class MulticlassClassificationMetrics
{
    private MulticlassClassificationMetrics(ConfusionMatrix matrix, long rows, double microAccuracy, double macroAccuracy, double macroF1, double logLoss, double logLossReduction, double[] f1)
    {
        ConfusionMatrix = matrix;
        RowCount = rows;
        MicroAccuracy = microAccuracy;
        MacroAccuracy = macroAccuracy;
        MacroF1 = macroF1;
        LogLoss = logLoss;
        LogLossReduction = logLossReduction;
        PerClassF1 = f1;
    }

    /// <summary>Probabilities are clamped to at least this value when computing the log-loss.</summary>
    public const double Epsilon = 1e-15;

    /// <summary>The number of evaluated rows.</summary>
    public long RowCount { get; }

    /// <summary>The fraction of rows predicted correctly.</summary>
    public double MicroAccuracy { get; }

    /// <summary>Same as <see cref="MicroAccuracy"/>.</summary>
    public double Accuracy => MicroAccuracy;

    /// <summary>The mean over classes present in the labels of the per-class recall.</summary>
    public double MacroAccuracy { get; }

    /// <summary>The mean over classes present in the labels or predictions of the per-class F1 (0 when precision + recall is 0).</summary>
    public double MacroF1 { get; }

    /// <summary>Per-class F1.</summary>
    public IReadOnlyList<double> PerClassF1 { get; }

    /// <summary>The mean of <c>−ln max(p(true class), ε)</c>; NaN when no probabilities were given.</summary>
    public double LogLoss { get; }

    /// <summary><c>1 − LogLoss / priorLogLoss</c>, where the prior predicts the label frequencies; NaN without probabilities.</summary>
    public double LogLossReduction { get; }

    /// <summary>The confusion matrix.</summary>
    public ConfusionMatrix ConfusionMatrix { get; }

    /// <summary>Computes the metrics from labels, predictions and optional probabilities.</summary>
    /// <param name="labels">True classes, in [0, classCount).</param>
    /// <param name="predicted">Predicted classes, in [0, classCount).</param>
    /// <param name="probabilities">Row-major <c>rows × classCount</c> class probabilities, or empty (log-loss NaN).</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns>The metrics.</returns>
    public static MulticlassClassificationMetrics Compute(ReadOnlySpan<int> labels, ReadOnlySpan<int> predicted, ReadOnlySpan<float> probabilities, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (labels.Length != predicted.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{labels.Length} labels but {predicted.Length} predictions."), nameof(predicted));
        }

        if (labels.IsEmpty)
        {
            throw new ArgumentException("Cannot evaluate zero rows.", nameof(labels));
        }

        if (!probabilities.IsEmpty && probabilities.Length != (long)labels.Length * classCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{probabilities.Length} probabilities for {labels.Length} rows × {classCount} classes."), nameof(probabilities));
        }

        int n = labels.Length;
        var counts = new long[classCount, classCount];
        long correct = 0;
        double logLoss = 0;
        var support = new long[classCount];
        for (int i = 0; i < n; i++)
        {
            int y = labels[i], p = predicted[i];
            if ((uint)y >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), y, string.Create(CultureInfo.InvariantCulture, $"Label at row {i} is outside [0, {classCount})."));
            }

            if ((uint)p >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(predicted), p, string.Create(CultureInfo.InvariantCulture, $"Prediction at row {i} is outside [0, {classCount})."));
            }

            counts[y, p]++;
            support[y]++;
            correct += y == p ? 1 : 0;
            if (!probabilities.IsEmpty)
            {
                logLoss -= Math.Log(Math.Max(probabilities[(i * classCount) + y], Epsilon));
            }
        }

        var matrix = new ConfusionMatrix(counts);
        double macroAcc = 0, macroF1 = 0;
        int present = 0, presentEither = 0;
        var f1 = new double[classCount];
        double prior = 0;
        for (int c = 0; c < classCount; c++)
        {
            double pr = matrix.PerClassPrecision[c], rc = matrix.PerClassRecall[c];
            f1[c] = pr + rc == 0 ? 0 : 2 * pr * rc / (pr + rc);
            long predictedCount = 0;
            for (int a = 0; a < classCount; a++)
            {
                predictedCount += counts[a, c];
            }

            if (support[c] > 0)
            {
                present++;
                macroAcc += rc;
                double q = (double)support[c] / n;
                prior -= q * Math.Log(q);
            }

            if (support[c] > 0 || predictedCount > 0)
            {
                presentEither++;
                macroF1 += f1[c];
            }
        }

        double ll = probabilities.IsEmpty ? double.NaN : logLoss / n;
        double reduction = probabilities.IsEmpty ? double.NaN : prior > 0 ? 1 - (ll / prior) : 0;
        return new MulticlassClassificationMetrics(matrix, n, (double)correct / n, macroAcc / present, macroF1 / presentEither, ll, reduction, f1);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Rows: {RowCount}  Accuracy: {MicroAccuracy:0.0000}  Macro-accuracy: {MacroAccuracy:0.0000}  Macro-F1: {MacroF1:0.0000}  Log-loss: {LogLoss:0.0000}  Log-loss reduction: {LogLossReduction:0.0000}");
}
