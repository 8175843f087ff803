using System.Security.Cryptography;
using Hopfield.ML.Imaging;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Imaging.Processing;
using Hopfield.ML.Memories;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.Cli.Experiments;

/// <summary>One damage applied to a key before retrieval.</summary>
internal sealed record KeyDamage(string Kind, double Level)
{
    public string Name => Kind switch
    {
        "none" => "clean",
        "flip" => $"flip {Level:0%}",
        "gauss" => $"key σ={Level:0.##}",
        _ => $"image σ={Level:0.##}",
    };
}

/// <summary>Retrieval success of one key kind, key size and stored count, for every damage.</summary>
/// <remarks>Success: the retrieval is the original (the nearest key is its key). SseSuccess: SSE ≤ 60 to the original, which also accepts a near-identical stored image.</remarks>
internal sealed record HashRow(string Key, int Dimension, int Count, double[] Success, double[] SseSuccess);

/// <summary>Settings of <see cref="HashAssociation.Run"/>.</summary>
internal sealed record HashSettings
{
    public string[] Keys { get; init; } = ["simhash", "thumbnail", "sha256"];

    public int[] Dimensions { get; init; } = [8, 16, 32, 64, 128, 256];

    public int[] Counts { get; init; } = [100, 1000, 3000];

    public int Queries { get; init; } = 200;

    public double[] Flips { get; init; } = [0.05, 0.1, 0.2, 0.3];

    public double[] KeyNoise { get; init; } = [0.5, 1.0];

    public double[] ImageNoise { get; init; } = [0.05, 0.1];

    public double SseThreshold { get; init; } = 60;

    public int Seed { get; init; } = 1;

    public IFeatureMap? Encoder { get; init; }

    public IReadOnlyList<KeyDamage> Damages =>
        [new("none", 0), .. Flips.Select(f => new KeyDamage("flip", f)), .. KeyNoise.Select(s => new KeyDamage("gauss", s)), .. ImageNoise.Select(s => new KeyDamage("image", s))];
}

/// <summary>
/// Compression by association: a hetero-associative memory stores (key, image) pairs where the key is a short
/// vector computed from the image — SimHash sign bits of a random projection, a standardised thumbnail,
/// bits of SHA-256, or the embedding of an ONNX encoder — and retrieves the image from a (damaged) key.
/// Keys are scaled to about unit RMS per coordinate so that key noise σ means the same for every kind.
/// Similarity: negative Euclidean; separation: max, so a retrieval is either a stored image or nothing.
/// </summary>
internal static class HashAssociation
{
    public static List<HashRow> Run(LabeledImages data, HashSettings s, Action<double>? progress = null)
    {
        int largest = s.Counts.Max();
        if (largest > data.Count)
        {
            throw new ArgumentException($"--counts: {largest} images requested but the data set has only {data.Count}.", nameof(s));
        }

        var order = ExperimentKit.Permutation(data.Count, new Random(s.Seed));
        var images = order.Take(largest).Select(i => data.Images[i]).ToArray();
        var damages = s.Damages;

        // A slightly noisy copy of a stored image, for keys recomputed from a different copy of the image.
        float[] Noisy(int index, double sigma)
        {
            var r = new Random(unchecked((s.Seed * 31) + (index * 7) + (int)(sigma * 1e6)));
            return images[index].Select(v => Math.Clamp(v + (float)(sigma * ExperimentKit.Gaussian(r)), 0f, 1f)).ToArray();
        }

        var rows = new List<HashRow>();
        var kinds = s.Keys.SelectMany(k => k == "phi" ? [(k, s.Encoder?.OutputDimension ?? 0)] : s.Dimensions.Select(d => (k, d))).ToList();
        int total = kinds.Count * s.Counts.Length, done = 0;
        foreach (var (kind, dim) in kinds)
        {
            if (kind == "sha256" && dim > 256)
            {
                continue;
            }

            var keyer = Keyer(kind, dim, images, s);
            var keys = images.Select(keyer).ToArray();
            foreach (int n in s.Counts)
            {
                var memory = UniversalHopfieldMemory.FromRows(keys.Take(n).ToArray(), images.Take(n).ToArray(), new UniversalHopfieldOptions
                {
                    Similarity = SimilarityFunction.NegativeEuclidean, Separation = SeparationFunction.Max,
                });
                var sse = new double[damages.Count];
                var exact = new double[damages.Count];
                int queries = Math.Min(s.Queries, n);
                var queryIndex = ExperimentKit.Permutation(n, new Random(unchecked((s.Seed * 13) + n))).Take(queries).ToArray();
                for (int di = 0; di < damages.Count; di++)
                {
                    var damage = damages[di];
                    bool bitKey = kind is "simhash" or "sha256";
                    if (damage.Kind == "flip" && !bitKey)
                    {
                        sse[di] = exact[di] = double.NaN; // bit flips are defined for ±1 keys only
                        continue;
                    }

                    int ok = 0, same = 0;
                    foreach (int q in queryIndex)
                    {
                        var rng = new Random(unchecked((s.Seed * 7) + (di * 1_000_003) + q));
                        float[] key = damage.Kind == "image" ? keyer(Noisy(q, damage.Level)) : (float[])keys[q].Clone();
                        if (damage.Kind == "flip")
                        {
                            int flips = (int)Math.Round(damage.Level * key.Length);
                            foreach (int j in ExperimentKit.Permutation(key.Length, rng).Take(flips))
                            {
                                key[j] = -key[j];
                            }
                        }
                        else if (damage.Kind == "gauss")
                        {
                            for (int j = 0; j < key.Length; j++)
                            {
                                key[j] += (float)(damage.Level * ExperimentKit.Gaussian(rng));
                            }
                        }

                        var output = memory.Retrieve(key);
                        if (ExperimentKit.Sse(output, images[q]) <= s.SseThreshold)
                        {
                            ok++;
                        }

                        if (memory.Nearest(key) == q)
                        {
                            same++;
                        }
                    }

                    sse[di] = ok / (double)queries;
                    exact[di] = same / (double)queries;
                }

                rows.Add(new HashRow(kind, keys[0].Length, n, exact, sse));
                progress?.Invoke(++done / (double)total);
            }
        }

        return rows;
    }

    /// <summary>The key function of one kind and size, fitted (projection, statistics) on the stored images.</summary>
    internal static Func<float[], float[]> Keyer(string kind, int dim, IReadOnlyList<float[]> images, HashSettings s)
    {
        int pixels = images[0].Length;
        switch (kind)
        {
            case "simhash":
            {
                var rng = new Random(unchecked((s.Seed * 104_729) + dim));
                var proj = new float[dim * pixels];
                for (int i = 0; i < proj.Length; i++)
                {
                    proj[i] = (float)ExperimentKit.Gaussian(rng);
                }

                var mean = new float[pixels];
                foreach (var img in images)
                {
                    for (int j = 0; j < pixels; j++)
                    {
                        mean[j] += img[j] / images.Count;
                    }
                }

                return img =>
                {
                    var key = new float[dim];
                    for (int r = 0; r < dim; r++)
                    {
                        double sum = 0;
                        for (int j = 0; j < pixels; j++)
                        {
                            sum += proj[(r * pixels) + j] * (img[j] - mean[j]);
                        }

                        key[r] = sum >= 0 ? 1f : -1f;
                    }

                    return key;
                };
            }

            case "sha256":
                if (dim > 256)
                {
                    throw new ArgumentException($"--dims: SHA-256 gives at most 256 bits, {dim} requested.", nameof(dim));
                }

                return img =>
                {
                    var bytes = img.Select(v => (byte)Math.Clamp(MathF.Round(v * 255f), 0f, 255f)).ToArray();
                    var hash = SHA256.HashData(bytes);
                    var key = new float[dim];
                    for (int i = 0; i < dim; i++)
                    {
                        key[i] = ((hash[i / 8] >> (i % 8)) & 1) == 1 ? 1f : -1f;
                    }

                    return key;
                };

            case "thumbnail":
            {
                int side = Math.Max(2, (int)Math.Round(Math.Sqrt(dim)));
                int w = (int)Math.Round(Math.Sqrt(pixels));
                float[] Thumb(float[] img) => Pixels.Resize(Image.FromGrey(w, pixels / w, img), side, side, ResizeMode.Area).Data.ToArray();
                var thumbs = images.Select(Thumb).ToArray();
                double mean = thumbs.Average(t => t.Average());
                double std = Math.Sqrt(thumbs.Average(t => t.Average(v => (v - mean) * (v - mean))));
                return img => Thumb(img).Select(v => (float)((v - mean) / std)).ToArray();
            }

            case "phi":
            {
                var encoder = s.Encoder ?? throw new ArgumentException("--keys phi needs --encoder PATH (an ONNX image encoder).", nameof(kind));
                float scale = MathF.Sqrt(encoder.OutputDimension);
                return img =>
                {
                    var e = new float[encoder.OutputDimension];
                    encoder.Map(img, 1, e);
                    float norm = MathF.Sqrt(e.Sum(v => v * v));
                    return e.Select(v => v / Math.Max(norm, 1e-12f) * scale).ToArray();
                };
            }

            default:
                throw new ArgumentException($"--keys: unknown key kind '{kind}' (expected simhash, thumbnail, sha256 or phi).", nameof(kind));
        }
    }
}
