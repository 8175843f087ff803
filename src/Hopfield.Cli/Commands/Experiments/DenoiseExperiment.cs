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
                    }),
                    mean_gain = result.MeanCorruptedGain,
                    clean_change = result.Clean.Gain,
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

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"classifier {Classifier}, similarity {Similarity}, beta {Beta}, memory {(Source == MemorySource.Prototypes ? $"{PrototypesPerClass} prototypes/class" : "training rows")}, steps {Steps}, gate {Gate}, confidence {Confidence}, leave-one-out {LeaveOneOut}, seed {Seed}");
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

    private readonly Option<int> _train = new("--train") { Description = "Use at most this many training images (balanced per class); 0 = all.", Hidden = true };
    private readonly Option<int> _test = new("--test") { Description = "Use at most this many test images (balanced per class); 0 = all.", Hidden = true };
    private readonly Option<int> _seed = CommonOptions.Seed(1);

    private DenoiseOptions()
    {
        _similarity.AcceptOnlyFromAmong(CommonOptions.SimilarityNames);
        _memory.AcceptOnlyFromAmong("rows", "prototypes");
    }

    public static DenoiseOptions Create() => new();

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _beta, _similarity, _memory, _prototypes, _gate, _steps, _confidence, _leaveOneOut, _train, _test, _seed })
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
        TrainCount = parse.GetValue(_train),
        TestCount = parse.GetValue(_test),
        Seed = parse.GetValue(_seed),
    };
}

/// <summary>One row of the result: a corruption (or "clean") and the accuracies without and with the stage.</summary>
internal sealed record DenoiseRow(string Corruption, float Severity, double AccuracyWithout, double AccuracyWith)
{
    public double Gain => AccuracyWith - AccuracyWithout;
}

/// <summary>The outcome of <see cref="DenoiseRunner.Run"/>.</summary>
internal sealed record DenoiseResult(DenoiseRow Clean, IReadOnlyList<DenoiseRow> Corrupted, TimeSpan Elapsed,
    HopfieldDenoiseTransformer Stage, IReadOnlyList<float[][]> CorruptedImages)
{
    public IEnumerable<DenoiseRow> Rows => Corrupted.Prepend(Clean);

    public double MeanCorruptedGain => Corrupted.Count == 0 ? 0 : Corrupted.Average(r => r.Gain);
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
        IEstimator<ITransformer> classifier = s.Classifier == "hopfield"
            ? ctx.Classifiers.Hopfield(new HopfieldClassifierTrainer.Options { Seed = s.Seed })
            : ctx.Classifiers.SoftmaxRegression(new SoftmaxRegressionTrainer.Options { Seed = s.Seed, MaxIterations = 100 });
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

        // "Without": the classifier alone. "With": the stage in front of it; the classifier is fitted on what the stage
        // makes of the training rows (almost themselves: each is stored), the stage cleans the test rows.
        var without = classifier.Fit(trainSet);
        progress?.Report(0.2);
        var stage = denoise.Fit(trainSet);
        var with = new TransformerChain<ITransformer>(stage, classifier.Fit(stage.Transform(trainSet)));
        progress?.Report(0.4);

        var clean = Evaluate(ctx, "clean", 0f, testSet, without, with, s.Confidence);
        var rows = new List<DenoiseRow>();
        var corrupted = new List<float[][]>();
        for (int i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var images = spec.ApplyBatch(test.Images, test.Width, test.Height, s.Seed + i);
            corrupted.Add(images);
            var set = ctx.Data.FromLabeledImages(new LabeledImages(images, test.Labels, test.Width, test.Height, test.ClassNames));
            rows.Add(Evaluate(ctx, spec.Corruption.Name, spec.Severity, set, without, with, s.Confidence));
            progress?.Report(0.4 + (0.6 * (i + 1) / specs.Count));
        }

        return new DenoiseResult(clean, rows, clock.Elapsed, stage, corrupted);
    }

    private static DenoiseRow Evaluate(HopfieldContext ctx, string name, float severity, DataSet data, ITransformer without, ITransformer with, float confidence)
    {
        var plain = without.Transform(data);
        var cleaned = with.Transform(data);
        double accuracyWithout = ctx.Classifiers.Evaluate(plain).MicroAccuracy;
        if (confidence <= 0)
        {
            return new(name, severity, accuracyWithout, ctx.Classifiers.Evaluate(cleaned).MicroAccuracy);
        }

        // Confidence gate: keep the plain prediction where the classifier is sure, use the cleaned input's prediction elsewhere.
        var labels = data.GetColumn("Label").GetKeys();
        var score = plain.GetColumn("Score");
        var plainPredicted = plain.GetColumn("PredictedLabel").GetKeys();
        var cleanedPredicted = cleaned.GetColumn("PredictedLabel").GetKeys();
        int correct = 0;
        for (int r = 0; r < data.RowCount; r++)
        {
            int predicted = System.Numerics.Tensors.TensorPrimitives.Max(score.GetVector(r)) >= confidence ? plainPredicted[r] : cleanedPredicted[r];
            correct += predicted == labels[r] ? 1 : 0;
        }

        return new(name, severity, accuracyWithout, (double)correct / data.RowCount);
    }

    public static void WriteTable(CliIO io, DenoiseResult result)
    {
        var table = new Table().AddColumns("corruption", "severity", "without", "with denoise", "gain (points)");
        foreach (var r in result.Rows)
        {
            table.AddRow(
                Markup.Escape(r.Corruption),
                r.Corruption == "clean" ? "-" : r.Severity.ToString("0.###", CultureInfo.InvariantCulture),
                (100 * r.AccuracyWithout).ToString("0.0", CultureInfo.InvariantCulture),
                (100 * r.AccuracyWith).ToString("0.0", CultureInfo.InvariantCulture),
                (100 * r.Gain).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture));
        }

        table.AddRow("mean (corrupted)", "", (100 * result.Corrupted.DefaultIfEmpty(result.Clean).Average(r => r.AccuracyWithout)).ToString("0.0", CultureInfo.InvariantCulture),
            (100 * result.Corrupted.DefaultIfEmpty(result.Clean).Average(r => r.AccuracyWith)).ToString("0.0", CultureInfo.InvariantCulture),
            (100 * result.MeanCorruptedGain).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture));
        io.Console.Write(table);
    }
}
