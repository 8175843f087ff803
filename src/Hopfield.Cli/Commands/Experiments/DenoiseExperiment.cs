using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML;
using Hopfield.ML.Classification;
using Hopfield.ML.Imaging.Corruptions;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Imaging.Pipeline;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;
using Spectre.Console;

namespace Hopfield.Cli.Commands.Experiments;

/// <summary>
/// <c>hopfield experiment denoise</c>: accuracy of a classifier on corrupted test images without and with a
/// HopfieldDenoise clean-up stage in front of it, per corruption and severity.
/// </summary>
internal static class DenoiseExperiment
{
    public static Command Build(CliIO io)
    {
        var dataset = new Option<string>("--dataset", "--data")
        {
            Description = "embedded (the 3000/1000 Fashion-MNIST subset) or a folder with Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz] …).",
            DefaultValueFactory = _ => "embedded",
        };
        var corruptions = new Option<string>("--corruptions")
        {
            Description = "all, or NAME[:SEVERITY],… from: " + string.Join(", ", Corruptions.Names),
            DefaultValueFactory = _ => "all",
        };
        var classifier = new Option<string>("--classifier")
        {
            Description = "The classifier after the stage: logistic (softmax regression) or hopfield (hetero-associative memory to one-hot labels, top-10 softmax).",
            DefaultValueFactory = _ => "logistic",
        };
        classifier.AcceptOnlyFromAmong("logistic", "hopfield");
        var settings = DenoiseOptions.Create();
        var json = CommonOptions.Json();
        var command = new Command(
            "denoise",
            "Accuracy of a classifier on corrupted test images without and with a HopfieldDenoise stage " +
            "(a modern Hopfield memory of the training images used as a clean-up step). Defaults: Manhattan similarity, β 0.25, " +
            "classifier fitted on leave-one-out retrievals, rows the plain classifier is ≥ 70 % sure of keep its prediction.\n" +
            "Examples:\n  hopfield experiment denoise\n  hopfield experiment denoise --corruptions gaussian:0.5,mask:0.5 --similarity l2 --beta 8 --json")
        {
            dataset, corruptions, classifier, json,
        };
        settings.AddTo(command);
        command.SetAction(parse =>
        {
            var s = settings.Read(parse) with { Classifier = parse.GetValue(classifier)! };
            var (train, test) = DenoiseRunner.LoadData(parse.GetValue(dataset)!, s.TrainCount, s.TestCount);
            var specs = Corruptions.Parse(parse.GetValue(corruptions)!);
            var result = io.WithProgress("denoise experiment", p => DenoiseRunner.Run(train, test, specs, s, p));
            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    dataset = parse.GetValue(dataset),
                    classifier = parse.GetValue(classifier),
                    train = train.Count,
                    test = test.Count,
                    settings = s.Describe(),
                    rows = result.Rows.Select(r => new
                    {
                        corruption = r.Corruption,
                        severity = r.Severity,
                        accuracy_without = r.AccuracyWithout,
                        accuracy_with = r.AccuracyWith,
                        gain = r.Gain,
                        accuracy_vote = double.IsNaN(r.AccuracyVote) ? (double?)null : r.AccuracyVote,
                    }),
                    mean_gain = result.MeanCorruptedGain,
                    clean_change = result.Clean.Gain,
                    space = s.Space,
                    phi_beta = result.Phi?.Beta,
                    vote_beta = result.Phi?.VoteBeta,
                    mean_vote_gain = result.Phi is null ? (double?)null : result.MeanVoteGain,
                    clean_vote_change = result.Phi is null ? (double?)null : result.Clean.VoteGain,
                    seconds = result.Elapsed.TotalSeconds,
                });
                return 0;
            }

            DenoiseRunner.WriteTable(io, result);
            io.Line($"stage: {s.Describe()}; train {train.Count}, test {test.Count}; {result.Elapsed.TotalSeconds:0.0} s");
            return 0;
        });
        return command;
    }
}

/// <summary>The stage and run settings shared by <c>hopfield demo</c> and <c>hopfield experiment denoise</c>.</summary>
internal sealed record DenoiseSettings
{
    public float Beta { get; init; } = 0.25f;

    public SimilarityFunction Similarity { get; init; } = SimilarityFunction.NegativeManhattan;

    public MemorySource Source { get; init; } = MemorySource.TrainingRows;

    public int PrototypesPerClass { get; init; } = 20;

    public float Gate { get; init; }

    public int Steps { get; init; } = 1;

    /// <summary>Classifier confidence gate: rows the plain classifier predicts with probability ≥ this keep its prediction; 0 = off.</summary>
    public float Confidence { get; init; } = 0.7f;

    /// <summary>Leave-one-out retrieval of the training rows when the classifier after the stage is fitted.</summary>
    public bool LeaveOneOut { get; init; } = true;

    public int TrainCount { get; init; }

    public int TestCount { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>logistic (softmax regression) or hopfield.</summary>
    public string Classifier { get; init; } = "logistic";

    /// <summary>Where the memory retrieves: pixel (HopfieldDenoise), phi (SemanticRetrieve with the SimCLR encoder φ) or both (per row the more confident).</summary>
    public string Space { get; init; } = "pixel";

    /// <summary>How --space both combines the two: pick (per row the retrieval the classifier is more confident about) or average (mean of the two probability vectors).</summary>
    public string Combine { get; init; } = "pick";

    /// <summary>β of the φ-space retrieval; 0 = tune on a held-out split of the training images.</summary>
    public float PhiBeta { get; init; }

    /// <summary>β of the φ-space vote; 0 = tune on a held-out split of the training images.</summary>
    public float VoteBeta { get; init; }

    /// <summary>The encoder φ (.onnx); null = the committed SimCLR encoder.</summary>
    public string? Encoder { get; init; }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"classifier {Classifier}, similarity {Similarity}, beta {Beta}, memory {(Source == MemorySource.Prototypes ? $"{PrototypesPerClass} prototypes/class" : "training rows")}, steps {Steps}, gate {Gate}, confidence {Confidence}, leave-one-out {LeaveOneOut}, seed {Seed}, space {Space}{(Space == "both" ? $" ({Combine})" : "")}");
}

/// <summary>The command-line options of <see cref="DenoiseSettings"/>.</summary>
internal sealed class DenoiseOptions
{
    private readonly Option<float> _beta = new("--beta") { Description = "Inverse temperature β of the memory's softmax.", DefaultValueFactory = _ => new DenoiseSettings().Beta };
    private readonly Option<string> _similarity = new("--similarity") { Description = "dot, cosine, l2 (or euclidean: negative Euclidean) or l1 (or manhattan: negative Manhattan).", DefaultValueFactory = _ => "l1" };
    private readonly Option<string> _memory = new("--memory") { Description = "rows (the training images) or prototypes (k-means per class).", DefaultValueFactory = _ => "rows" };
    private readonly Option<int> _prototypes = new("--prototypes") { Description = "Prototypes per class with --memory prototypes.", DefaultValueFactory = _ => new DenoiseSettings().PrototypesPerClass };
    private readonly Option<float> _gate = new("--gate") { Description = "Confidence gate in [0, 1): rows whose largest attention weight is below it pass unchanged.", DefaultValueFactory = _ => 0f };
    private readonly Option<int> _steps = new("--steps") { Description = "Retrieval steps.", DefaultValueFactory = _ => 1 };
    private readonly Option<float> _confidence = new("--confidence")
    {
        Description = "Classifier confidence gate in [0, 1]: a row the plain classifier predicts with probability ≥ this keeps that prediction; only less certain rows go through the memory. 0 = off.",
        DefaultValueFactory = _ => new DenoiseSettings().Confidence,
    };
    private readonly Option<bool> _leaveOneOut = new("--leave-one-out")
    {
        Description = "Fit the classifier after the stage on leave-one-out retrievals of the training rows (each row left out of its own retrieval); --leave-one-out false to fit on the rows' own retrievals.",
        DefaultValueFactory = _ => new DenoiseSettings().LeaveOneOut,
    };

    private readonly Option<string> _space = new("--space")
    {
        Description = "Where the memory retrieves: pixel (HopfieldDenoise on the pixels), phi (keys φ(training images) from the SimCLR encoder, values their pixels) or both (per row, the space whose retrieval the classifier is more confident about).",
        DefaultValueFactory = _ => new DenoiseSettings().Space,
    };
    private readonly Option<string> _combine = new("--combine")
    {
        Description = "With --space both: pick (per row, the retrieval the classifier is more confident about) or average (the mean of the classifier's two probability vectors).",
        DefaultValueFactory = _ => new DenoiseSettings().Combine,
    };
    private readonly Option<float> _phiBeta = new("--phi-beta") { Description = "β of the φ-space retrieval (dot product of unit embeddings); 0 = tune on a held-out fifth of the training images.", DefaultValueFactory = _ => 0f };
    private readonly Option<float> _voteBeta = new("--vote-beta") { Description = "β of the φ-space vote (attention mass per class); 0 = tune on a held-out fifth of the training images.", DefaultValueFactory = _ => 0f };
    private readonly Option<string?> _encoder = new("--encoder") { Description = "The encoder φ for --space phi|both (default: onnx/models/simclr_encoder.onnx, found above the tool or the current folder)." };

    private readonly Option<int> _train = new("--train") { Description = "Use at most this many training images (balanced per class); 0 = all.", Hidden = true };
    private readonly Option<int> _test = new("--test") { Description = "Use at most this many test images (balanced per class); 0 = all.", Hidden = true };
    private readonly Option<int> _seed = CommonOptions.Seed(1);

    private DenoiseOptions()
    {
        _similarity.AcceptOnlyFromAmong(CommonOptions.SimilarityNames);
        _memory.AcceptOnlyFromAmong("rows", "prototypes");
        _space.AcceptOnlyFromAmong("pixel", "phi", "both");
        _combine.AcceptOnlyFromAmong("pick", "average");
    }

    public static DenoiseOptions Create() => new();

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _beta, _similarity, _memory, _prototypes, _gate, _steps, _confidence, _leaveOneOut, _space, _combine, _phiBeta, _voteBeta, _encoder, _train, _test, _seed })
        {
            command.Options.Add(o);
        }
    }

    public DenoiseSettings Read(ParseResult parse) => new()
    {
        Beta = parse.GetValue(_beta),
        Similarity = CommonOptions.CanonicalSimilarity(parse.GetValue(_similarity)!) switch
        {
            "dot" => SimilarityFunction.Dot,
            "cosine" => SimilarityFunction.Cosine,
            "l1" => SimilarityFunction.NegativeManhattan,
            _ => SimilarityFunction.NegativeEuclidean,
        },
        Source = parse.GetValue(_memory) == "prototypes" ? MemorySource.Prototypes : MemorySource.TrainingRows,
        PrototypesPerClass = parse.GetValue(_prototypes),
        Gate = parse.GetValue(_gate),
        Steps = parse.GetValue(_steps),
        LeaveOneOut = parse.GetValue(_leaveOneOut),
        Confidence = parse.GetValue(_confidence) is var c && c >= 0 && c <= 1 ? c : throw new UsageException("--confidence must lie in [0, 1]."),
        Space = parse.GetValue(_space)!,
        Combine = parse.GetValue(_combine)!,
        PhiBeta = parse.GetValue(_phiBeta) is var pb && pb >= 0 ? pb : throw new UsageException("--phi-beta must be ≥ 0 (0 = tune)."),
        VoteBeta = parse.GetValue(_voteBeta) is var vb && vb >= 0 ? vb : throw new UsageException("--vote-beta must be ≥ 0 (0 = tune)."),
        Encoder = parse.GetValue(_encoder),
        TrainCount = parse.GetValue(_train),
        TestCount = parse.GetValue(_test),
        Seed = parse.GetValue(_seed),
    };
}

/// <summary>One row of the result: a corruption (or "clean") and the accuracies without and with the stage.</summary>
/// <remarks><see cref="AccuracyVote"/>: the φ-space vote readout (NaN with --space pixel).</remarks>
internal sealed record DenoiseRow(string Corruption, float Severity, double AccuracyWithout, double AccuracyWith, double AccuracyVote = double.NaN)
{
    public double VoteGain => AccuracyVote - AccuracyWithout;

    public double Gain => AccuracyWith - AccuracyWithout;
}

/// <summary>The outcome of <see cref="DenoiseRunner.Run"/>.</summary>
internal sealed record DenoiseResult(DenoiseRow Clean, IReadOnlyList<DenoiseRow> Corrupted, TimeSpan Elapsed,
    Func<float[], float[]> Denoise, IReadOnlyList<float[][]> CorruptedImages, PhiCleanup? Phi)
{
    public IEnumerable<DenoiseRow> Rows => Corrupted.Prepend(Clean);

    public double MeanCorruptedGain => Corrupted.Count == 0 ? 0 : Corrupted.Average(r => r.Gain);

    public double MeanVoteGain => Corrupted.Count == 0 ? double.NaN : Corrupted.Average(r => r.VoteGain);
}

/// <summary>Fits the two pipelines and evaluates them on every corruption.</summary>
internal static class DenoiseRunner
{
    public static (LabeledImages Train, LabeledImages Test) LoadData(string dataset, int trainCount, int testCount)
    {
        bool embedded = string.Equals(dataset, "embedded", StringComparison.OrdinalIgnoreCase);
        var train = embedded ? FashionMnist.LoadEmbedded(DataSplit.Train) : FashionMnist.Load(DataSplit.Train, dataset);
        var test = embedded ? FashionMnist.LoadEmbedded(DataSplit.Test) : FashionMnist.Load(DataSplit.Test, dataset);
        return (Limit(train, trainCount), Limit(test, testCount));
    }

    private static LabeledImages Limit(LabeledImages images, int count)
    {
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The image count must be ≥ 0 (0 = all).");
        }

        return count == 0 || count >= images.Count ? images : images.TakePerClass(Math.Max(1, count / images.ClassNames.Count));
    }

    public static DenoiseResult Run(LabeledImages train, LabeledImages test, IReadOnlyList<CorruptionSpec> specs, DenoiseSettings s, IProgress<double>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var ctx = new HopfieldContext(seed: s.Seed);
        var trainSet = ctx.Data.FromLabeledImages(train);
        var testSet = ctx.Data.FromLabeledImages(test);
        IEstimator<ITransformer> Classifier() => s.Classifier == "hopfield"
            ? ctx.Classifiers.Hopfield(new HopfieldClassifierTrainer.Options { Seed = s.Seed })
            : ctx.Classifiers.SoftmaxRegression(new SoftmaxRegressionTrainer.Options { Seed = s.Seed, MaxIterations = 100 });
        var classifier = Classifier();

        // "Without": the classifier alone.
        var without = classifier.Fit(trainSet);
        progress?.Report(0.2);

        // Pixel space: the classifier is fitted on what the stage makes of the training rows (leave-one-out retrievals by
        // default), the stage cleans the test rows.
        HopfieldDenoiseTransformer? stage = null;
        ITransformer? withPixel = null;
        if (s.Space != "phi")
        {
            var denoise = ctx.Transforms.HopfieldDenoise("Features", "Features", new HopfieldDenoiseEstimator.Options
            {
                Beta = s.Beta,
                Similarity = s.Similarity,
                Source = s.Source,
                PrototypesPerClass = s.PrototypesPerClass,
                ConfidenceGate = s.Gate,
                Steps = s.Steps,
                ExcludeIdentical = s.LeaveOneOut,
                Seed = s.Seed,
            });
            stage = denoise.Fit(trainSet);
            withPixel = new TransformerChain<ITransformer>(stage, classifier.Fit(stage.Transform(trainSet)));
        }

        // φ space: the retrieved training image goes to the same classifier as "without".
        PhiCleanup? phi = null;
        ITransformer? withPhi = null;
        if (s.Space != "pixel")
        {
            phi = SemanticDenoise.Fit(ctx, trainSet, train, specs, s, Classifier);
            withPhi = new TransformerChain<ITransformer>(phi.Retrieve, without);
        }

        progress?.Report(0.4);
        var clean = Evaluate("clean", 0f, testSet, without, withPixel, withPhi, phi, s);
        var rows = new List<DenoiseRow>();
        var corrupted = new List<float[][]>();
        for (int i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var images = spec.ApplyBatch(test.Images, test.Width, test.Height, s.Seed + i);
            corrupted.Add(images);
            var set = ctx.Data.FromLabeledImages(new LabeledImages(images, test.Labels, test.Width, test.Height, test.ClassNames));
            rows.Add(Evaluate(spec.Corruption.Name, spec.Severity, set, without, withPixel, withPhi, phi, s));
            progress?.Report(0.4 + (0.6 * (i + 1) / specs.Count));
        }

        Func<float[], float[]> denoiseOne = s.Space switch
        {
            "pixel" => image => stage!.Denoise(image),
            "phi" => image => SemanticDenoise.Retrieve(phi!, image),
            _ => image =>
            {
                // The picture shows the retrieval the classifier is more confident about, as the experiment picks.
                var one = ctx.Data.FromLabeledImages(new LabeledImages([image], [0], test.Width, test.Height, test.ClassNames));
                return Predict(withPixel!, one).Confidence[0] >= Predict(withPhi!, one).Confidence[0] ? stage!.Denoise(image) : SemanticDenoise.Retrieve(phi!, image);
            },
        };
        return new DenoiseResult(clean, rows, clock.Elapsed, denoiseOne, corrupted, phi);
    }

    /// <summary>Predicted classes and the classifier's largest probability per row.</summary>
    /// <remarks><paramref name="Scores"/>: the class probabilities, row-major (rows × classes).</remarks>
    internal sealed record Predictions(int[] Labels, float[] Confidence, float[] Scores);

    internal static Predictions Predict(ITransformer model, DataSet data)
    {
        var scored = model.Transform(data);
        var score = scored.GetColumn("Score");
        var confidence = new float[data.RowCount];
        for (int r = 0; r < confidence.Length; r++)
        {
            confidence[r] = System.Numerics.Tensors.TensorPrimitives.Max(score.GetVector(r));
        }

        return new(scored.GetColumn("PredictedLabel").GetKeys().ToArray(), confidence, score.GetFloats().ToArray());
    }

    /// <summary>The arg max and max of each row of a row-major score matrix.</summary>
    internal static Predictions ArgMax(float[] scores, int k)
    {
        int n = scores.Length / k;
        var labels = new int[n];
        var confidence = new float[n];
        for (int r = 0; r < n; r++)
        {
            var row = scores.AsSpan(r * k, k);
            labels[r] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);
            confidence[r] = row[labels[r]];
        }

        return new(labels, confidence, scores);
    }

    internal static double Accuracy(ReadOnlySpan<int> labels, Predictions p)
    {
        int correct = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            correct += p.Labels[r] == labels[r] ? 1 : 0;
        }

        return labels.Length == 0 ? 0 : (double)correct / labels.Length;
    }

    /// <summary>Confidence gate: keep the plain prediction where the classifier is sure (≥ <paramref name="confidence"/> &gt; 0), use the cleaned prediction elsewhere.</summary>
    internal static double GatedAccuracy(ReadOnlySpan<int> labels, Predictions plain, Predictions cleaned, float confidence)
    {
        int correct = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            int predicted = confidence > 0 && plain.Confidence[r] >= confidence ? plain.Labels[r] : cleaned.Labels[r];
            correct += predicted == labels[r] ? 1 : 0;
        }

        return labels.Length == 0 ? 0 : (double)correct / labels.Length;
    }

    /// <summary>Per row, the prediction the classifier is more confident about (ties go to the first).</summary>
    internal static Predictions MoreConfident(Predictions a, Predictions b)
    {
        var labels = new int[a.Labels.Length];
        var confidence = new float[a.Labels.Length];
        for (int r = 0; r < labels.Length; r++)
        {
            bool first = a.Confidence[r] >= b.Confidence[r];
            labels[r] = first ? a.Labels[r] : b.Labels[r];
            confidence[r] = first ? a.Confidence[r] : b.Confidence[r];
        }

        return new(labels, confidence, []);
    }

    /// <summary>Per row, the arg max of the mean of the two probability vectors.</summary>
    internal static Predictions Average(Predictions a, Predictions b)
    {
        var mean = new float[a.Scores.Length];
        System.Numerics.Tensors.TensorPrimitives.Add(a.Scores, b.Scores, mean);
        System.Numerics.Tensors.TensorPrimitives.Multiply(mean, 0.5f, mean);
        return ArgMax(mean, mean.Length / a.Labels.Length);
    }

    private static DenoiseRow Evaluate(string name, float severity, DataSet data, ITransformer without, ITransformer? withPixel, ITransformer? withPhi, PhiCleanup? phi, DenoiseSettings s)
    {
        var labels = data.GetColumn("Label").GetKeys();
        var plain = Predict(without, data);
        var pixel = withPixel is null ? null : Predict(withPixel, data);
        var semantic = withPhi is null ? null : Predict(withPhi, data);
        var cleaned = s.Space switch
        {
            "pixel" => pixel!,
            "phi" => semantic!,
            _ => s.Combine == "average" ? Average(pixel!, semantic!) : MoreConfident(pixel!, semantic!),
        };
        double vote = double.NaN;
        if (phi is not null)
        {
            var votes = phi.Vote.Transform(data).GetColumn(SemanticDenoise.VoteColumn);
            vote = GatedAccuracy(labels, plain, ArgMax(votes.GetFloats().ToArray(), votes.VectorSize), s.Confidence);
        }

        return new(name, severity, Accuracy(labels, plain), GatedAccuracy(labels, plain, cleaned, s.Confidence), vote);
    }

    public static void WriteTable(CliIO io, DenoiseResult result)
    {
        bool votes = result.Phi is not null;
        var table = new Table().AddColumns("corruption", "severity", "without", "with denoise", "gain (points)");
        if (votes)
        {
            table.AddColumns("φ vote", "vote gain");
        }

        static string Pct(double v) => (100 * v).ToString("0.0", CultureInfo.InvariantCulture);
        static string Points(double v) => (100 * v).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);
        foreach (var r in result.Rows)
        {
            var cells = new List<string>
            {
                Markup.Escape(r.Corruption),
                r.Corruption == "clean" ? "-" : r.Severity.ToString("0.###", CultureInfo.InvariantCulture),
                Pct(r.AccuracyWithout), Pct(r.AccuracyWith), Points(r.Gain),
            };
            if (votes)
            {
                cells.AddRange([Pct(r.AccuracyVote), Points(r.VoteGain)]);
            }

            table.AddRow(cells.ToArray());
        }

        var all = result.Corrupted.DefaultIfEmpty(result.Clean).ToList();
        var mean = new List<string> { "mean (corrupted)", "", Pct(all.Average(r => r.AccuracyWithout)), Pct(all.Average(r => r.AccuracyWith)), Points(result.MeanCorruptedGain) };
        if (votes)
        {
            mean.AddRange([Pct(all.Average(r => r.AccuracyVote)), Points(all.Average(r => r.VoteGain))]);
        }

        table.AddRow(mean.ToArray());
        io.Console.Write(table);
        if (result.Phi is { } phi)
        {
            io.Line(SemanticDenoise.Describe(phi));
        }
    }
}
