using Hopfield.ML.Imaging.Corruptions;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Imaging.Processing;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.Cli.Experiments;

/// <summary>Mean IoU of the three mask predictors for one corruption and query set.</summary>
internal sealed record SegmentRow(string Corruption, string Queries, double MemoryIou, double ThresholdIou, double OtsuIou);

/// <summary>Settings of <see cref="Segment.Run"/>.</summary>
internal sealed record SegmentSettings
{
    public int Stored { get; init; } = 3000;

    public int Queries { get; init; } = 200;

    public string Corruptions { get; init; } = "gaussian:0.3,salt-pepper:0.1,occlusion:0.4,bottom-mask:0.5";

    public float Beta { get; init; } = 2f;

    public float MaskThreshold { get; init; } = 0.05f;

    public int Seed { get; init; } = 1;
}

/// <summary>One worked example for the picture: corrupted image, true mask, threshold baseline, memory mask.</summary>
internal sealed record SegmentExample(float[] Corrupted, float[] Truth, float[] Threshold, float[] Memory);

/// <summary>
/// Segmentation as pattern completion: a hetero-associative memory stores image → silhouette (pixels &gt; 0.05)
/// pairs (negative Euclidean similarity, softmax β); a corrupted image retrieves a soft mask, thresholded at 0.5.
/// Compared with thresholding the corrupted image itself (at 0.05, and at its Otsu threshold), on corrupted
/// stored images and on corrupted held-out (test) images, whose masks can only come from similar stored items.
/// </summary>
internal static class Segment
{
    public static float[] Silhouette(ReadOnlySpan<float> image, float threshold)
    {
        var m = new float[image.Length];
        for (int i = 0; i < m.Length; i++)
        {
            m[i] = image[i] > threshold ? 1f : 0f;
        }

        return m;
    }

    /// <summary>Intersection over union of two 0/1 masks; 1 when both are empty.</summary>
    public static double Iou(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int inter = 0, union = 0;
        for (int i = 0; i < a.Length; i++)
        {
            bool x = a[i] > 0.5f, y = b[i] > 0.5f;
            inter += x && y ? 1 : 0;
            union += x || y ? 1 : 0;
        }

        return union == 0 ? 1.0 : inter / (double)union;
    }

    public static (List<SegmentRow> Rows, List<SegmentExample> Examples) Run(LabeledImages train, LabeledImages test, SegmentSettings s, Action<double>? progress = null)
    {
        if (s.Stored > train.Count)
        {
            throw new ArgumentException($"--stored: {s.Stored} images requested but the training set has only {train.Count}.", nameof(s));
        }

        var specs = ML.Imaging.Corruptions.Corruptions.Parse(s.Corruptions);
        var rng = new Random(s.Seed);
        var storedIdx = ExperimentKit.Permutation(train.Count, rng).Take(s.Stored).ToArray();
        var images = storedIdx.Select(i => train.Images[i]).ToArray();
        var masks = images.Select(im => Silhouette(im, s.MaskThreshold)).ToArray();
        var memory = UniversalHopfieldMemory.FromRows(images, masks, new UniversalHopfieldOptions
        {
            Similarity = SimilarityFunction.NegativeEuclidean, Separation = SeparationFunction.Softmax, Beta = s.Beta,
        });
        var sets = new (string Name, float[][] Images)[]
        {
            ("stored", ExperimentKit.Permutation(s.Stored, rng).Take(Math.Min(s.Queries, s.Stored)).Select(i => images[i]).ToArray()),
            ("held-out", ExperimentKit.Permutation(test.Count, rng).Take(Math.Min(s.Queries, test.Count)).Select(i => test.Images[i]).ToArray()),
        };
        var rows = new List<SegmentRow>();
        var examples = new List<SegmentExample>();
        int w = train.Width, h = train.Height, d = w * h;
        var all = new List<CorruptionSpec?> { null };
        all.AddRange(specs);
        int total = all.Count * sets.Length, done = 0;
        foreach (var spec in all)
        {
            foreach (var (name, queries) in sets)
            {
                var corrupted = spec is null ? queries : spec.ApplyBatch(queries, w, h, s.Seed);
                var outputs = new float[queries.Length * d];
                memory.RetrieveBatch(ExperimentKit.Flatten(corrupted), queries.Length, outputs);
                double mem = 0, thr = 0, otsu = 0;
                for (int q = 0; q < queries.Length; q++)
                {
                    var truth = Silhouette(queries[q], s.MaskThreshold);
                    var retrieved = Silhouette(outputs.AsSpan(q * d, d), 0.5f);
                    var byThreshold = Silhouette(corrupted[q], s.MaskThreshold);
                    mem += Iou(retrieved, truth);
                    thr += Iou(byThreshold, truth);
                    otsu += Iou(Silhouette(corrupted[q], Pixels.OtsuThreshold(corrupted[q])), truth);
                    if (q == 0 && spec is not null)
                    {
                        examples.Add(new SegmentExample(corrupted[q], truth, byThreshold, retrieved));
                    }
                }

                int n = queries.Length;
                rows.Add(new SegmentRow(spec?.ToString() ?? "none", name, mem / n, thr / n, otsu / n));
                progress?.Invoke(++done / (double)total);
            }
        }

        return (rows, examples);
    }
}
