using Hopfield.ML.Imaging.Corruptions;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.Cli.Experiments;

/// <summary>One memory configuration of the Universal Hopfield frame.</summary>
internal sealed record UniversalConfiguration(string Similarity, string Separation, UniversalHopfieldOptions Options)
{
    public string Name => $"{Similarity}+{Separation}";
}

/// <summary>Retrieval success against the number of stored images for one data set, corruption and configuration.</summary>
internal sealed record CapacityCurve(string Dataset, string Corruption, string Similarity, string Separation, int[] Counts, double[] Success);

/// <summary>Settings of <see cref="CapacityCurves.Run"/>.</summary>
internal sealed record CapacityCurvesSettings
{
    public int[] Counts { get; init; } = [10, 20, 50, 100, 200, 500, 1000];

    public int Queries { get; init; } = 100;

    public float Beta { get; init; } = 10f;

    public int Degree { get; init; } = 10;

    public float NoiseSigma { get; init; } = 0.3f;

    public float MaskFraction { get; init; } = 0.5f;

    public double SseThreshold { get; init; } = 60;

    public int Seed { get; init; } = 1;

    public bool IncludeCosine { get; init; } = true;
}

/// <summary>
/// Capacity curves of the Universal Hopfield Networks paper (Millidge et al., 2022): auto-associative memories
/// of N images, queried with corrupted stored images; a retrieval succeeds when the sum of squared errors
/// between output and original (pixels in [0, 1]) is at most 60, the criterion of the paper's code.
/// </summary>
internal static class CapacityCurves
{
    public static IReadOnlyList<UniversalConfiguration> Configurations(float beta, int degree, bool includeCosine)
    {
        var sims = new List<(string, SimilarityFunction)> { ("dot", SimilarityFunction.Dot) };
        if (includeCosine)
        {
            sims.Add(("cosine", SimilarityFunction.Cosine));
        }

        sims.Add(("euclidean", SimilarityFunction.NegativeEuclidean));
        sims.Add(("manhattan", SimilarityFunction.NegativeManhattan));
        var seps = new (string, SeparationFunction)[]
        {
            ("identity", SeparationFunction.Identity), ("softmax", SeparationFunction.Softmax),
            ("max", SeparationFunction.Max), ("polynomial", SeparationFunction.Polynomial),
        };
        var list = new List<UniversalConfiguration>();
        foreach (var (simName, sim) in sims)
        {
            foreach (var (sepName, sep) in seps)
            {
                bool distance = sim is SimilarityFunction.NegativeEuclidean or SimilarityFunction.NegativeManhattan;
                if (sep == SeparationFunction.Polynomial && distance)
                {
                    continue; // relu(s)^n is undefined for similarities that are never positive
                }

                list.Add(new UniversalConfiguration(simName, sepName, new UniversalHopfieldOptions
                {
                    Similarity = sim, Separation = sep, Beta = beta, Degree = degree,
                }));
            }
        }

        return list;
    }

    public static IReadOnlyList<CorruptionSpec> CorruptionsFor(CapacityCurvesSettings s) =>
        [new CorruptionSpec(Corruptions.Get("gaussian"), s.NoiseSigma), new CorruptionSpec(Corruptions.Get("bottom-mask"), s.MaskFraction)];

    public static List<CapacityCurve> Run(LabeledImages data, string datasetName, CapacityCurvesSettings s, Action<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        int largest = s.Counts.Max();
        if (largest > data.Count)
        {
            throw new ArgumentException($"--counts: {largest} images requested but the {datasetName} set has only {data.Count}.", nameof(s));
        }

        var order = ExperimentKit.Permutation(data.Count, new Random(s.Seed));
        var configs = Configurations(s.Beta, s.Degree, s.IncludeCosine);
        var corruptions = CorruptionsFor(s);
        int d = data.Width * data.Height;
        var curves = new List<CapacityCurve>();
        int total = corruptions.Count * configs.Count * s.Counts.Length, done = 0;
        foreach (var corruption in corruptions)
        {
            // Queries: the first images of the (nested) stored sets, each corrupted once with a per-row seed.
            int maxQueries = Math.Min(s.Queries, largest);
            var corrupted = new float[maxQueries][];
            for (int q = 0; q < maxQueries; q++)
            {
                corrupted[q] = corruption.Apply(data.Images[order[q]], data.Width, data.Height, CorruptionSpec.RowSeed(s.Seed, q));
            }

            var success = configs.Select(_ => new double[s.Counts.Length]).ToArray();
            for (int c = 0; c < s.Counts.Length; c++)
            {
                int n = s.Counts[c];
                var stored = ExperimentKit.Flatten(order.Take(n).Select(i => data.Images[i]).ToArray());
                int queries = Math.Min(s.Queries, n);
                var flatQueries = ExperimentKit.Flatten(corrupted.Take(queries).ToArray());
                var outputs = new float[queries * d];
                for (int k = 0; k < configs.Count; k++)
                {
                    var memory = new UniversalHopfieldMemory(stored, n, default, configs[k].Options);
                    memory.RetrieveBatch(flatQueries, queries, outputs);
                    int ok = 0;
                    for (int q = 0; q < queries; q++)
                    {
                        var output = outputs.AsSpan(q * d, d);
                        if (ExperimentKit.Sse(output, data.Images[order[q]]) <= s.SseThreshold)
                        {
                            ok++;
                        }
                    }

                    success[k][c] = ok / (double)queries;
                    progress?.Invoke(++done / (double)total);
                }
            }

            for (int k = 0; k < configs.Count; k++)
            {
                curves.Add(new CapacityCurve(datasetName, corruption.ToString(), configs[k].Similarity, configs[k].Separation, s.Counts, success[k]));
            }
        }

        return curves;
    }
}
