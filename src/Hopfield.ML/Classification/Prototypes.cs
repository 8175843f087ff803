using System.Globalization;
using System.Numerics.Tensors;

namespace Hopfield.ML.Classification;

/// <summary>The result of <see cref="Prototypes.KMeans"/>.</summary>
/// <param name="Centroids">Row-major <c>k × dimension</c> centroids.</param>
/// <param name="Assignments">The centroid index of each row.</param>
/// <param name="Inertia">The sum of squared distances of rows to their centroids.</param>
/// <param name="Iterations">The Lloyd iterations run.</param>
public sealed record KMeansResult(float[] Centroids, int[] Assignments, double Inertia, int Iterations);

/// <summary>The result of <see cref="Prototypes.PerClass"/>.</summary>
/// <param name="Vectors">Row-major <c>count × dimension</c> prototypes, grouped by class in class order.</param>
/// <param name="Labels">The class of each prototype.</param>
/// <param name="Dimension">Floats per prototype.</param>
public sealed record ClassPrototypes(float[] Vectors, int[] Labels, int Dimension)
{
    /// <summary>The number of prototypes.</summary>
    public int Count => Labels.Length;
}

/// <summary>Prototype extraction: seeded k-means++ clustering and per-class prototypes (class means when k = 1).</summary>
public static class Prototypes
{
    /// <summary>Clusters rows with k-means++ seeding followed by Lloyd iterations. Deterministic for a given seed.</summary>
    /// <param name="data">Row-major <c>rows × dimension</c> values.</param>
    /// <param name="dimension">Floats per row.</param>
    /// <param name="k">The number of clusters, 1 ≤ k ≤ rows.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="maxIterations">The most Lloyd iterations.</param>
    /// <returns>The centroids, assignments and inertia.</returns>
    public static KMeansResult KMeans(ReadOnlySpan<float> data, int dimension, int k, int seed, int maxIterations = 50)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (data.Length % dimension != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{data.Length} values is not a multiple of the dimension {dimension}."), nameof(data));
        }

        int n = data.Length / dimension;
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (k > n)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, string.Create(CultureInfo.InvariantCulture, $"k = {k} exceeds the {n} rows."));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        int d = dimension;
        var rng = new Random(seed);
        var centroids = new float[k * d];

        // k-means++ seeding: first centre uniform, then with probability proportional to D².
        var dist = new double[n];
        int first = rng.Next(n);
        data.Slice(first * d, d).CopyTo(centroids);
        for (int i = 0; i < n; i++)
        {
            dist[i] = SquaredDistance(data.Slice(i * d, d), centroids.AsSpan(0, d));
        }

        for (int c = 1; c < k; c++)
        {
            double total = 0;
            foreach (double v in dist)
            {
                total += v;
            }

            int pick;
            if (total <= 0)
            {
                pick = rng.Next(n);
            }
            else
            {
                double r = rng.NextDouble() * total;
                pick = n - 1;
                for (int i = 0; i < n; i++)
                {
                    r -= dist[i];
                    if (r < 0)
                    {
                        pick = i;
                        break;
                    }
                }
            }

            var centre = centroids.AsSpan(c * d, d);
            data.Slice(pick * d, d).CopyTo(centre);
            for (int i = 0; i < n; i++)
            {
                dist[i] = Math.Min(dist[i], SquaredDistance(data.Slice(i * d, d), centre));
            }
        }

        var assign = new int[n];
        Array.Fill(assign, -1);
        var sums = new double[k * d];
        var counts = new int[k];
        int iter = 0;
        double inertia = 0;
        while (true)
        {
            bool changed = false;
            inertia = 0;
            for (int i = 0; i < n; i++)
            {
                var row = data.Slice(i * d, d);
                int best = 0;
                double bestD = double.PositiveInfinity;
                for (int c = 0; c < k; c++)
                {
                    double dd = SquaredDistance(row, centroids.AsSpan(c * d, d));
                    if (dd < bestD)
                    {
                        bestD = dd;
                        best = c;
                    }
                }

                dist[i] = bestD;
                inertia += bestD;
                if (assign[i] != best)
                {
                    assign[i] = best;
                    changed = true;
                }
            }

            if (!changed || iter == maxIterations)
            {
                break;
            }

            iter++;
            Array.Clear(sums);
            Array.Clear(counts);
            for (int i = 0; i < n; i++)
            {
                int c = assign[i];
                counts[c]++;
                var row = data.Slice(i * d, d);
                var s = sums.AsSpan(c * d, d);
                for (int j = 0; j < d; j++)
                {
                    s[j] += row[j];
                }
            }

            for (int c = 0; c < k; c++)
            {
                var centre = centroids.AsSpan(c * d, d);
                if (counts[c] == 0)
                {
                    // Empty cluster: move it to the row farthest from its centre (deterministic), and take that row over.
                    int far = 0;
                    for (int i = 1; i < n; i++)
                    {
                        if (dist[i] > dist[far])
                        {
                            far = i;
                        }
                    }

                    data.Slice(far * d, d).CopyTo(centre);
                    dist[far] = 0;
                    continue;
                }

                var s = sums.AsSpan(c * d, d);
                for (int j = 0; j < d; j++)
                {
                    centre[j] = (float)(s[j] / counts[c]);
                }
            }
        }

        return new KMeansResult(centroids, assign, inertia, iter);
    }

    /// <summary>
    /// Computes up to <paramref name="perClass"/> prototypes for every class present: the class mean when 1, k-means++
    /// centroids otherwise; a class with at most <paramref name="perClass"/> rows contributes its rows unchanged.
    /// </summary>
    /// <param name="data">Row-major <c>rows × dimension</c> values.</param>
    /// <param name="dimension">Floats per row.</param>
    /// <param name="labels">The class of each row, in [0, classCount).</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="perClass">Prototypes per class (≥ 1).</param>
    /// <param name="seed">The random seed (class c uses seed + c).</param>
    /// <returns>The prototypes, grouped by class.</returns>
    public static ClassPrototypes PerClass(ReadOnlySpan<float> data, int dimension, ReadOnlySpan<int> labels, int classCount, int perClass, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perClass, 1);
        int n = labels.Length;
        if (data.Length != (long)n * dimension)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{data.Length} values for {n} labels × dimension {dimension}."), nameof(data));
        }

        var byClass = new List<int>[classCount];
        for (int c = 0; c < classCount; c++)
        {
            byClass[c] = [];
        }

        for (int i = 0; i < n; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], string.Create(CultureInfo.InvariantCulture, $"Label at row {i} is outside [0, {classCount})."));
            }

            byClass[labels[i]].Add(i);
        }

        var vectors = new List<float>();
        var protoLabels = new List<int>();
        for (int c = 0; c < classCount; c++)
        {
            var rows = byClass[c];
            if (rows.Count == 0)
            {
                continue;
            }

            var classData = new float[rows.Count * dimension];
            for (int i = 0; i < rows.Count; i++)
            {
                data.Slice(rows[i] * dimension, dimension).CopyTo(classData.AsSpan(i * dimension));
            }

            float[] centres;
            if (rows.Count <= perClass)
            {
                centres = classData;
            }
            else if (perClass == 1)
            {
                centres = Mean(classData, dimension);
            }
            else
            {
                centres = KMeans(classData, dimension, perClass, unchecked(seed + c)).Centroids;
            }

            vectors.AddRange(centres);
            protoLabels.AddRange(Enumerable.Repeat(c, centres.Length / dimension));
        }

        return new ClassPrototypes([.. vectors], [.. protoLabels], dimension);
    }

    internal static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float e = TensorPrimitives.Distance(a, b);
        return (double)e * e;
    }

    private static float[] Mean(float[] data, int d)
    {
        int n = data.Length / d;
        var sum = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                sum[j] += data[(i * d) + j];
            }
        }

        return [.. sum.Select(s => (float)(s / n))];
    }
}
