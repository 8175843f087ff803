using Hopfield.ML.Classification;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Memories;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.Cli.Experiments;

/// <summary>A bag of instances (indices into a feature table) and whether it holds a target-class item.</summary>
internal sealed record Bag(int[] Items, bool Positive);

/// <summary>Held-out AUC and accuracy of one pooling followed by logistic regression.</summary>
internal sealed record PoolingRow(string Pooling, string QueryFit, double Auc, double Accuracy);

/// <summary>What the attention pooling looked at in one test bag.</summary>
internal sealed record BagReport(int Bag, bool Positive, double Score, (int Index, string Label, double Weight)[] Instances, (int Prototype, string Label, double Weight)[] Prototypes);

/// <summary>Settings of <see cref="Pooling.Run"/>.</summary>
internal sealed record PoolingSettings
{
    public int TargetClass { get; init; } = 8;

    public int MinBag { get; init; } = 8;

    public int MaxBag { get; init; } = 16;

    public int TrainBags { get; init; } = 400;

    public int TestBags { get; init; } = 400;

    public string Features { get; init; } = "pixels";

    public int ProjectionDimension { get; init; } = 64;

    public float Beta { get; init; } = 10f;

    public int Prototypes { get; init; } = 20;

    public int Reports { get; init; } = 3;

    public int Seed { get; init; } = 1;

    public IFeatureMap? Encoder { get; init; }
}

/// <summary>
/// Multiple-instance learning on bags of Fashion-MNIST items: a bag is positive when it holds an item of the
/// target class. Bags are pooled into one vector — mean, max, or Hopfield (attention) pooling
/// Σ softmax(β q·xᵢ) xᵢ computed by a <see cref="UniversalHopfieldMemory"/> whose stored patterns are the bag's
/// instances — and classified by the same logistic regression. The query q is fitted from bag labels only
/// (difference of the instance means of positive and negative training bags, then three rounds of replacing the
/// positive mean with the attended instances), or trained by gradient through the pooling from bag labels; or,
/// as a reference that uses instance labels, the target-class mean.
/// </summary>
internal static class Pooling
{
    public static (List<PoolingRow> Rows, List<BagReport> Reports, string FeatureDescription) Run(LabeledImages train, LabeledImages test, PoolingSettings s, Action<double>? progress = null)
    {
        if (s.TargetClass < 0 || s.TargetClass >= train.ClassNames.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(s), s.TargetClass, $"--target must be a class index 0–{train.ClassNames.Count - 1}.");
        }

        if (s.MinBag < 1 || s.MaxBag < s.MinBag)
        {
            throw new ArgumentException($"--bag-size: need 1 ≤ min ≤ max, got {s.MinBag}–{s.MaxBag}.", nameof(s));
        }

        var rng = new Random(s.Seed);
        var (ftrain, ftest, dim, description) = Featurize(train, test, s, rng);
        var trainBags = MakeBags(train.Labels, s, s.TrainBags, rng);
        var testBags = MakeBags(test.Labels, s, s.TestBags, rng);
        progress?.Invoke(0.2);

        var km = ML.Classification.Prototypes.KMeans(ExperimentKit.Flatten(ftrain), dim, s.Prototypes, s.Seed);
        var qFitted = FitQuery(ftrain, trainBags, dim, s.Beta);
        var qTrained = TrainQuery(ftrain, trainBags, dim, s.Beta, new float[dim], s.Seed);
        var qOracle = Normalize(Subtract(Mean(ftrain, Enumerable.Range(0, train.Count).Where(i => train.Labels[i] == s.TargetClass), dim), Mean(ftrain, Enumerable.Range(0, train.Count), dim)));
        var poolers = new (string Name, string Fit, Func<float[][], Bag, float[]> Pool)[]
        {
            ("mean", "—", (f, b) => Mean(f, b.Items, dim)),
            ("max", "—", (f, b) => Max(f, b.Items, dim)),
            ("hopfield", "bag labels, closed form", (f, b) => Attend(f, b, qFitted, s.Beta).Pooled),
            ("hopfield", "bag labels, trained by gradient", (f, b) => Attend(f, b, qTrained, s.Beta).Pooled),
            ("hopfield", "instance labels (class mean)", (f, b) => Attend(f, b, qOracle, s.Beta).Pooled),
        };
        var rows = new List<PoolingRow>();
        Func<float[], double>? fittedScore = null;
        for (int p = 0; p < poolers.Length; p++)
        {
            var xs = trainBags.Select(b => poolers[p].Pool(ftrain, b)).ToArray();
            var ys = trainBags.Select(b => b.Positive ? 1 : 0).ToArray();
            var net = new TinyNet(dim, 0, 2, new Random(s.Seed + p));
            net.Train(xs, ys, epochs: 300, learningRate: 0.05f, l2: 1e-4f);
            var scores = testBags.Select(b => Probability(net, poolers[p].Pool(ftest, b))).ToArray();
            var labels = testBags.Select(b => b.Positive).ToArray();
            double acc = scores.Zip(labels).Count(z => (z.First >= 0.5) == z.Second) / (double)labels.Length;
            rows.Add(new PoolingRow(poolers[p].Name, poolers[p].Fit, ExperimentKit.Auc(scores, labels), acc));
            if (p == 3)
            {
                fittedScore = x => Probability(net, x);
            }

            progress?.Invoke(0.2 + (0.7 * (p + 1) / poolers.Length));
        }

        // Readable reports: which instances the trained-query pooling attended to, and which stored prototypes
        // (k-means centroids of the training instances, named by their majority class) the pooled vector recalls.
        var protoLabels = Enumerable.Range(0, s.Prototypes).Select(c =>
        {
            var members = Enumerable.Range(0, train.Count).Where(i => km.Assignments[i] == c).Select(i => train.Labels[i]).ToList();
            return members.Count == 0 ? "(empty)" : train.ClassNames[members.GroupBy(l => l).OrderByDescending(g => g.Count()).First().Key];
        }).ToArray();
        var protoMemory = new UniversalHopfieldMemory(km.Centroids, s.Prototypes, default, new UniversalHopfieldOptions
        {
            Similarity = SimilarityFunction.Cosine, Separation = SeparationFunction.Softmax, Beta = s.Beta,
        });
        var reports = new List<BagReport>();
        var chosen = testBags.Select((b, i) => (b, i)).Where(t => t.b.Positive).Take((s.Reports + 1) / 2)
            .Concat(testBags.Select((b, i) => (b, i)).Where(t => !t.b.Positive).Take(s.Reports / 2));
        foreach (var (bag, index) in chosen)
        {
            var (pooled, weights) = Attend(ftest, bag, qTrained, s.Beta);
            var top = Enumerable.Range(0, bag.Items.Length).OrderByDescending(i => weights[i]).Take(3)
                .Select(i => (i, test.ClassNames[test.Labels[bag.Items[i]]], (double)weights[i])).ToArray();
            var protoWeights = new float[s.Prototypes];
            protoMemory.Retrieve(pooled, new float[dim], protoWeights);
            var topProto = Enumerable.Range(0, s.Prototypes).OrderByDescending(i => protoWeights[i]).Take(2)
                .Select(i => (i, protoLabels[i], (double)protoWeights[i])).ToArray();
            reports.Add(new BagReport(index, bag.Positive, fittedScore!(pooled), top, topProto));
        }

        progress?.Invoke(1);
        return (rows, reports, description);
    }

    private static double Probability(TinyNet net, float[] x)
    {
        var logits = net.Forward(x, new float[1]);
        return 1.0 / (1.0 + Math.Exp(logits[0] - logits[1]));
    }

    internal static List<Bag> MakeBags(IReadOnlyList<int> labels, PoolingSettings s, int count, Random rng)
    {
        var targets = Enumerable.Range(0, labels.Count).Where(i => labels[i] == s.TargetClass).ToArray();
        var others = Enumerable.Range(0, labels.Count).Where(i => labels[i] != s.TargetClass).ToArray();
        if (targets.Length == 0 || others.Length == 0)
        {
            throw new ArgumentException($"The data set needs items of the target class {s.TargetClass} and of other classes.", nameof(labels));
        }

        var bags = new List<Bag>();
        for (int b = 0; b < count; b++)
        {
            int size = rng.Next(s.MinBag, s.MaxBag + 1);
            bool positive = b % 2 == 0;
            int k = positive ? Math.Min(size, rng.Next(1, 3)) : 0; // one or two target items
            var items = new int[size];
            for (int i = 0; i < size; i++)
            {
                items[i] = i < k ? targets[rng.Next(targets.Length)] : others[rng.Next(others.Length)];
            }

            rng.Shuffle(items);
            bags.Add(new Bag(items, positive));
        }

        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bags));
        return bags;
    }

    /// <summary>Hopfield pooling of one bag: the bag's instances are the stored patterns, q the state pattern.</summary>
    internal static (float[] Pooled, float[] Weights) Attend(float[][] features, Bag bag, float[] query, float beta)
    {
        var memory = UniversalHopfieldMemory.FromRows(bag.Items.Select(i => features[i]).ToArray(), null, new UniversalHopfieldOptions
        {
            Similarity = SimilarityFunction.Dot, Separation = SeparationFunction.Softmax, Beta = beta, Threads = 1,
        });
        var pooled = new float[query.Length];
        var weights = new float[bag.Items.Length];
        memory.Retrieve(query, pooled, weights);
        return (pooled, weights);
    }

    /// <summary>
    /// Fits the query from bag labels only: the instance mean of positive training bags minus that of negative
    /// ones, normalised; then three rounds that replace the positive mean with the mean attended instance of the
    /// positive bags. (Choosing instead the k-means prototype most enriched in positive bags was tried and did worse.)
    /// </summary>
    private static float[] FitQuery(float[][] f, List<Bag> bags, int dim, float beta)
    {
        var negMean = Mean(f, bags.Where(b => !b.Positive).SelectMany(b => b.Items), dim);
        var q = Normalize(Subtract(Mean(f, bags.Where(b => b.Positive).SelectMany(b => b.Items), dim), negMean));
        for (int round = 0; round < 3; round++)
        {
            var attended = new float[dim];
            var positives = bags.Where(b => b.Positive).ToList();
            foreach (var b in positives)
            {
                var pooled = Attend(f, b, q, beta).Pooled;
                for (int j = 0; j < dim; j++)
                {
                    attended[j] += pooled[j] / positives.Count;
                }
            }

            q = Normalize(Subtract(attended, negMean));
        }

        return q;
    }

    /// <summary>
    /// Trains the query end to end from bag labels: p = σ(w·Σᵢ softmax(β q·xᵢ) xᵢ + b) with logistic loss, full-batch
    /// Adam on (q, w, b) for 150 epochs, starting from <paramref name="start"/> (the experiment starts from q = 0,
    /// i.e. uniform attention = mean pooling; starting from the closed-form query got stuck where that query attends
    /// to the wrong class, e.g. AUC 0.48 on φ features). Only q is kept; the classifier is refitted afterwards like
    /// for every other pooling.
    /// </summary>
    internal static float[] TrainQuery(float[][] f, List<Bag> bags, int dim, float beta, float[] start, int seed)
    {
        var q = (float[])start.Clone();
        var w = new float[dim];
        var rng = new Random(seed);
        for (int j = 0; j < dim; j++)
        {
            w[j] = (float)(ExperimentKit.Gaussian(rng) * 0.01);
        }

        float b = 0;
        var mq = new float[dim];
        var vq = new float[dim];
        var mw = new float[dim];
        var vw = new float[dim];
        float mb = 0, vb = 0;
        const float Lr = 0.01f, B1 = 0.9f, B2 = 0.999f, Eps = 1e-8f;
        var gq = new float[dim];
        var gw = new float[dim];
        for (int epoch = 1; epoch <= 150; epoch++)
        {
            Array.Clear(gq);
            Array.Clear(gw);
            float gb = 0;
            foreach (var bag in bags)
            {
                var x = bag.Items.Select(i => f[i]).ToArray();
                var a = new double[x.Length];
                double max = double.NegativeInfinity;
                for (int i = 0; i < x.Length; i++)
                {
                    a[i] = beta * Dot(q, x[i]);
                    max = Math.Max(max, a[i]);
                }

                double sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    a[i] = Math.Exp(a[i] - max);
                    sum += a[i];
                }

                var z = new float[dim];
                for (int i = 0; i < x.Length; i++)
                {
                    a[i] /= sum;
                    for (int j = 0; j < dim; j++)
                    {
                        z[j] += (float)a[i] * x[i][j];
                    }
                }

                double p = 1 / (1 + Math.Exp(-(Dot(w, z) + b)));
                float d = (float)(p - (bag.Positive ? 1 : 0)) / bags.Count; // dL/dlogit
                gb += d;
                double gz = 0;
                for (int j = 0; j < dim; j++)
                {
                    gw[j] += d * z[j];
                    gz += w[j] * z[j];
                }

                for (int i = 0; i < x.Length; i++)
                {
                    // dL/ds_i = a_i (x_i − z)·(d w); s_i = β q·x_i
                    double ds = a[i] * ((d * Dot(w, x[i])) - (d * gz));
                    for (int j = 0; j < dim; j++)
                    {
                        gq[j] += (float)(beta * ds * x[i][j]);
                    }
                }
            }

            float c1 = 1 - MathF.Pow(B1, epoch), c2 = 1 - MathF.Pow(B2, epoch);
            for (int j = 0; j < dim; j++)
            {
                mq[j] = (B1 * mq[j]) + ((1 - B1) * gq[j]);
                vq[j] = (B2 * vq[j]) + ((1 - B2) * gq[j] * gq[j]);
                q[j] -= Lr * (mq[j] / c1) / (MathF.Sqrt(vq[j] / c2) + Eps);
                float gwj = gw[j] + (1e-4f * w[j]);
                mw[j] = (B1 * mw[j]) + ((1 - B1) * gwj);
                vw[j] = (B2 * vw[j]) + ((1 - B2) * gwj * gwj);
                w[j] -= Lr * (mw[j] / c1) / (MathF.Sqrt(vw[j] / c2) + Eps);
            }

            mb = (B1 * mb) + ((1 - B1) * gb);
            vb = (B2 * vb) + ((1 - B2) * gb * gb);
            b -= Lr * (mb / c1) / (MathF.Sqrt(vb / c2) + Eps);
        }

        return q;
    }

    private static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (int j = 0; j < a.Length; j++)
        {
            s += a[j] * b[j];
        }

        return s;
    }

    private static (float[][] Train, float[][] Test, int Dim, string Description) Featurize(LabeledImages train, LabeledImages test, PoolingSettings s, Random rng)
    {
        int pixels = train.Width * train.Height;
        var mean = Mean(train.Images.ToArray(), Enumerable.Range(0, train.Count), pixels);
        switch (s.Features)
        {
            case "pixels":
                return (train.Images.Select(x => Normalize(Subtract(x, mean))).ToArray(), test.Images.Select(x => Normalize(Subtract(x, mean))).ToArray(), pixels,
                    "pixels minus the training mean, L2-normalised (784 dims)");
            case "projection":
            {
                int d = s.ProjectionDimension;
                var proj = new float[d * pixels];
                for (int i = 0; i < proj.Length; i++)
                {
                    proj[i] = (float)ExperimentKit.Gaussian(rng);
                }

                float[] Project(float[] x)
                {
                    var c = Subtract(x, mean);
                    var y = new float[d];
                    for (int r = 0; r < d; r++)
                    {
                        float sum = 0;
                        for (int j = 0; j < pixels; j++)
                        {
                            sum += proj[(r * pixels) + j] * c[j];
                        }

                        y[r] = sum;
                    }

                    return Normalize(y);
                }

                return (train.Images.Select(Project).ToArray(), test.Images.Select(Project).ToArray(), d,
                    $"Gaussian random projection of the centred pixels to {d} dims, L2-normalised");
            }

            case "phi":
            {
                var enc = s.Encoder ?? throw new ArgumentException("--features phi needs --encoder PATH (an ONNX image encoder).", nameof(s));
                float[] Phi(float[] x)
                {
                    var e = new float[enc.OutputDimension];
                    enc.Map(x, 1, e);
                    return Normalize(e);
                }

                return (train.Images.Select(Phi).ToArray(), test.Images.Select(Phi).ToArray(), enc.OutputDimension,
                    $"φ: ONNX encoder embedding ({enc.OutputDimension} dims), L2-normalised");
            }

            default:
                throw new ArgumentException($"--features: unknown '{s.Features}' (expected projection, pixels or phi).", nameof(s));
        }
    }

    private static float[] Mean(IReadOnlyList<float[]> f, IEnumerable<int> items, int dim)
    {
        var m = new float[dim];
        int n = 0;
        foreach (int i in items)
        {
            for (int j = 0; j < dim; j++)
            {
                m[j] += f[i][j];
            }

            n++;
        }

        for (int j = 0; j < dim; j++)
        {
            m[j] /= Math.Max(n, 1);
        }

        return m;
    }

    private static float[] Max(float[][] f, int[] items, int dim)
    {
        var m = Enumerable.Repeat(float.NegativeInfinity, dim).ToArray();
        foreach (int i in items)
        {
            for (int j = 0; j < dim; j++)
            {
                m[j] = Math.Max(m[j], f[i][j]);
            }
        }

        return m;
    }

    private static float[] Subtract(float[] a, float[] b) => a.Select((v, i) => v - b[i]).ToArray();

    private static float[] Normalize(float[] v)
    {
        float n = MathF.Sqrt(v.Sum(x => x * x));
        return n < 1e-12f ? v : v.Select(x => x / n).ToArray();
    }
}
