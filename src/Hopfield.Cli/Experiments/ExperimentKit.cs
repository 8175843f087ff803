using System.Globalization;
using Hopfield.ML.Imaging.Datasets;

namespace Hopfield.Cli.Experiments;

/// <summary>Shared pieces of the experiments: data loading, seeded randomness, small numeric helpers.</summary>
internal static class ExperimentKit
{
    /// <summary>Embedded Fashion-MNIST (no path) or the full set from a folder with the standard IDX names.</summary>
    public static LabeledImages LoadFashion(string? folder, DataSplit split) =>
        string.IsNullOrEmpty(folder) ? FashionMnist.LoadEmbedded(split) : FashionMnist.Load(split, CheckFolder(folder));

    /// <summary>The embedded 1000-digit MNIST subset (no path) or an MNIST split from a folder.</summary>
    public static LabeledImages LoadMnist(string? folder, DataSplit split = DataSplit.Train, string option = "--dataset")
    {
        if (!string.IsNullOrEmpty(folder))
        {
            return Mnist.Load(CheckFolder(folder, option), split);
        }

        string dir = FashionMnist.FindEmbeddedFolder("mnist-images.idx.gz");
        return IdxDataset.Load(Path.Combine(dir, "mnist-images.idx.gz"), Path.Combine(dir, "mnist-labels.idx.gz"), Mnist.ClassNames);
    }

    private static string CheckFolder(string folder, string option = "--dataset") => Directory.Exists(folder)
        ? folder
        : throw new DirectoryNotFoundException($"{option}: folder '{folder}' does not exist (expected the standard IDX files train-images-idx3-ubyte[.gz] etc.).");

    /// <summary>A seeded permutation of 0 … n−1.</summary>
    public static int[] Permutation(int n, Random rng)
    {
        var p = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(p);
        return p;
    }

    /// <summary>A standard normal sample (Box–Muller).</summary>
    public static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Sum of squared differences.</summary>
    public static double Sse(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            s += d * d;
        }

        return s;
    }

    /// <summary>Rows stacked into one row-major array.</summary>
    public static float[] Flatten(IReadOnlyList<float[]> rows)
    {
        int d = rows[0].Length;
        var flat = new float[rows.Count * d];
        for (int i = 0; i < rows.Count; i++)
        {
            rows[i].CopyTo(flat, i * d);
        }

        return flat;
    }

    /// <summary>Area under the ROC curve by the Mann–Whitney statistic (ties count one half).</summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSumPos = 0;
        long pos = 0;
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            double rank = ((i + j) / 2.0) + 1;
            for (int k = i; k <= j; k++)
            {
                if (positive[order[k]])
                {
                    rankSumPos += rank;
                    pos++;
                }
            }

            i = j + 1;
        }

        long neg = scores.Count - pos;
        if (pos == 0 || neg == 0)
        {
            return double.NaN;
        }

        return (rankSumPos - (pos * (pos + 1) / 2.0)) / (pos * (double)neg);
    }

    /// <summary>Parses a comma-separated list of integers, naming the option on failure.</summary>
    public static int[] ParseInts(string text, string option, int min, int max)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw new ArgumentException($"{option}: expected a comma-separated list of integers, got '{text}'.", option);
        }

        return parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v
            : throw new ArgumentException($"{option}: '{p}' is not an integer in [{min}, {max}].", option)).ToArray();
    }

    /// <summary>Parses a comma-separated list of numbers, naming the option on failure.</summary>
    public static double[] ParseDoubles(string text, string option, double min, double max)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw new ArgumentException($"{option}: expected a comma-separated list of numbers, got '{text}'.", option);
        }

        return parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= min && v <= max
            ? v
            : throw new ArgumentException($"{option}: '{p}' is not a number in [{min}, {max}].", option)).ToArray();
    }

    public static string F(double v, string format = "0.000") => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);

    public static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
