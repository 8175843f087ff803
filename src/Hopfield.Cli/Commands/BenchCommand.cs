using System.CommandLine;
using System.Globalization;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Diagnostics;
using Hopfield.ML.Memories.Universal;
using Spectre.Console;

namespace Hopfield.Cli.Commands;

/// <summary><c>hopfield bench</c>: throughput of batched retrieval and of classical recall sweeps; the native-resource soak.</summary>
internal static class BenchCommand
{
    public static Command Build(CliIO io)
    {
        var command = new Command(
            "bench",
            "Time the library on random data.\n" +
            "Examples:\n  hopfield bench retrieval --patterns 60000 --dim 784 --queries 1000\n  hopfield bench recall --neurons 1048576 --patterns 10 --json\n  hopfield bench soak --runs 100000 --json");
        command.Subcommands.Add(BuildRetrieval(io));
        command.Subcommands.Add(BuildRecall(io));
        command.Subcommands.Add(BenchSoakCommand.Build(io));
        return command;
    }

    private static Command BuildRetrieval(CliIO io)
    {
        var patterns = new Option<int>("--patterns", "-p") { Description = "Stored patterns P.", DefaultValueFactory = _ => 1000 };
        var dim = new Option<int>("--dim", "-d") { Description = "Pattern dimension D.", DefaultValueFactory = _ => 784 };
        var queries = new Option<int>("--queries", "-b") { Description = "Queries per batch B.", DefaultValueFactory = _ => 1000 };
        var similarity = new Option<string>("--similarity") { Description = "dot, cosine, l2 (or euclidean: negative Euclidean) or l1 (or manhattan: negative Manhattan).", DefaultValueFactory = _ => "dot" };
        similarity.AcceptOnlyFromAmong(CommonOptions.SimilarityNames);
        var separation = new Option<string>("--separation") { Description = "softmax, identity, max, topk or polynomial.", DefaultValueFactory = _ => "softmax" };
        separation.AcceptOnlyFromAmong("softmax", "identity", "max", "topk", "polynomial");
        var beta = new Option<float>("--beta") { Description = "Inverse temperature β.", DefaultValueFactory = _ => UniversalHopfieldOptions.Defaults.Beta };
        var topK = new Option<int>("--top-k") { Description = "k of the topk separation.", DefaultValueFactory = _ => 8 };
        var threads = new Option<int>("--threads", "-t") { Description = "Worker threads; 0 = all processors.", DefaultValueFactory = _ => 0 };
        var repeats = new Option<int>("--repeats", "-r") { Description = "Timed batches; the median is reported.", DefaultValueFactory = _ => 5 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed batches first.", DefaultValueFactory = _ => 1 };
        var storage = new Option<string>("--storage") { Description = "Precision of the stored keys and values: f32 or bf16 (half the memory).", DefaultValueFactory = _ => "f32" };
        storage.AcceptOnlyFromAmong("f32", "bf16");
        var sparse = new Option<float>("--sparse") { Description = "Skip attention weights below TOL × the largest weight in the value projection (0 = dense).", DefaultValueFactory = _ => 0f };
        var screen = new Option<bool>("--screen") { Description = "Screen the keys with an 8-bit copy first and score exactly only those whose weight can reach TOL/P of the best (needs --sparse, softmax, dot, cosine or l2)." };
        var verify = new Option<bool>("--verify") { Description = $"After timing, compare the first {RetrievalBenchmark.VerifiedQueries} outputs with a dense memory's and report the largest difference." };
        var seed = CommonOptions.Seed(1);
        var json = CommonOptions.Json();
        var command = new Command("retrieval", "Batched retrieval retrieve(q) = V·separation(similarity(K, q)) on standard-normal data; prints queries/s and GFLOP/s (4·P·D·B per batch).\n" +
            "Example:\n  hopfield bench retrieval --patterns 60000 --dim 784 --queries 1000 --threads 1 --json")
        {
            patterns, dim, queries, similarity, separation, beta, topK, threads, repeats, warmup, storage, sparse, screen, verify, seed, json,
        };
        command.SetAction(parse =>
        {
            var sep = parse.GetValue(separation) switch
            {
                "identity" => SeparationFunction.Identity,
                "max" => SeparationFunction.Max,
                "topk" => SeparationFunction.TopKSoftmax,
                "polynomial" => SeparationFunction.Polynomial,
                _ => SeparationFunction.Softmax,
            };
            var memory = new UniversalHopfieldOptions
            {
                Similarity = CommonOptions.CanonicalSimilarity(parse.GetValue(similarity)!) switch
                {
                    "cosine" => SimilarityFunction.Cosine,
                    "l2" => SimilarityFunction.NegativeEuclidean,
                    "l1" => SimilarityFunction.NegativeManhattan,
                    _ => SimilarityFunction.Dot,
                },
                Separation = sep,
                Beta = parse.GetValue(beta),
                TopK = sep == SeparationFunction.TopKSoftmax ? Math.Min(parse.GetValue(topK), Math.Max(1, parse.GetValue(patterns))) : UniversalHopfieldOptions.Defaults.TopK,
                Threads = parse.GetValue(threads),
                SparseTolerance = parse.GetValue(sparse),
                Screening = parse.GetValue(screen),
                Storage = parse.GetValue(storage) == "bf16" ? MemoryStorage.BFloat16 : MemoryStorage.Float32,
            };
            var options = new RetrievalBenchmarkOptions
            {
                Patterns = parse.GetValue(patterns),
                Dimension = parse.GetValue(dim),
                Queries = parse.GetValue(queries),
                Memory = memory,
                Repeats = parse.GetValue(repeats),
                Warmup = parse.GetValue(warmup),
                Seed = parse.GetValue(seed),
                Verify = parse.GetValue(verify),
            };
            var r = io.WithProgress($"retrieval {options.Patterns}×{options.Dimension}×{options.Queries}", p => RetrievalBenchmark.Run(options, p));
            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    queries_per_second = r.QueriesPerSecond,
                    gflops = r.Gflops,
                    median_seconds = r.MedianSeconds,
                    cpu_seconds = r.CpuSeconds,
                    queries_per_cpu_second = r.QueriesPerCpuSecond,
                    seconds = r.Seconds,
                    patterns = options.Patterns,
                    dim = options.Dimension,
                    queries = options.Queries,
                    similarity = parse.GetValue(similarity),
                    separation = parse.GetValue(separation),
                    beta = memory.Beta,
                    top_k = sep == SeparationFunction.TopKSoftmax ? (int?)memory.TopK : null,
                    threads = memory.Threads == 0 ? Environment.ProcessorCount : memory.Threads,
                    storage = parse.GetValue(storage),
                    sparse = memory.SparseTolerance,
                    screen = memory.Screening,
                    max_abs_difference = r.MaxAbsDifference,
                    screen_fallback_fraction = r.ScreenFallbackFraction,
                    exact_scores_per_query = r.ExactScoresPerQuery,
                    repeats = options.Repeats,
                    warmup = options.Warmup,
                    seed = options.Seed,
                    flop_convention = "4*P*D*B (2 scores + 2 projection)",
                });
                return 0;
            }

            var table = new Table().AddColumns("P×D×B", "similarity", "separation", "queries/s", "GFLOP/s", "median s", "queries/CPU-s");
            table.AddRow(
                $"{options.Patterns}×{options.Dimension}×{options.Queries}",
                parse.GetValue(similarity)!,
                parse.GetValue(separation)!,
                Format(r.QueriesPerSecond, "N0"),
                Format(r.Gflops, "0.0"),
                Format(r.MedianSeconds, "0.00000"),
                Format(r.QueriesPerCpuSecond, "N0"));
            io.Console.Write(table);
            io.Line("GFLOP/s counts 4·P·D·B per batch (2 for the scores, 2 for the value projection), whatever the similarity.");
            if (r.ScreenFallbackFraction is double fallback)
            {
                io.Line($"Screening: {Format(r.ExactScoresPerQuery ?? double.NaN, "N1")} exact scores per query (of {options.Patterns}), {Format(fallback * 100, "0.0")} % of queries fell back to the fused path.");
            }

            if (r.MaxAbsDifference is double diff)
            {
                io.Line($"Largest difference from the dense memory over the first {Math.Min(options.Queries, RetrievalBenchmark.VerifiedQueries)} queries: {diff.ToString("G3", CultureInfo.InvariantCulture)}.");
            }
            return 0;
        });
        return command;
    }

    private static Command BuildRecall(CliIO io)
    {
        var neurons = new Option<int>("--neurons", "-n") { Description = "Neurons N (1024 × 1024 image = 1048576).", DefaultValueFactory = _ => 1 << 20 };
        var patterns = new Option<int>("--patterns", "-p") { Description = "Stored random ±1 patterns P.", DefaultValueFactory = _ => 10 };
        var noise = new Option<double>("--noise") { Description = "Fraction of probe neurons flipped.", DefaultValueFactory = _ => 0.1 };
        var repeats = new Option<int>("--repeats", "-r") { Description = "Timed sweeps; the median is reported.", DefaultValueFactory = _ => 5 };
        var seed = CommonOptions.Seed(1);
        var json = CommonOptions.Json();
        var command = new Command("recall", "One synchronous sweep of a Hebbian classical network (bit-packed patterns, fields Xᵀ(X s)); prints ms per sweep and the overlap after it.\n" +
            "Example:\n  hopfield bench recall --neurons 1048576 --patterns 10 --json")
        {
            neurons, patterns, noise, repeats, seed, json,
        };
        command.SetAction(parse =>
        {
            var options = new RecallBenchmarkOptions
            {
                Neurons = parse.GetValue(neurons),
                Patterns = parse.GetValue(patterns),
                Noise = parse.GetValue(noise),
                Repeats = parse.GetValue(repeats),
                Seed = parse.GetValue(seed),
            };
            var r = io.WithProgress($"recall {options.Neurons} neurons", p => RecallBenchmark.Run(options, p));
            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    seconds_per_sweep = r.SecondsPerSweep,
                    cpu_seconds_per_sweep = r.CpuSecondsPerSweep,
                    recall_seconds = r.RecallSeconds,
                    pattern_bytes = r.PatternBytes,
                    overlap = r.Overlap,
                    seconds = r.Seconds,
                    neurons = options.Neurons,
                    patterns = options.Patterns,
                    noise = options.Noise,
                    repeats = options.Repeats,
                    seed = options.Seed,
                });
                return 0;
            }

            var table = new Table().AddColumns("N", "P", "ms / sweep", "ms / Recall(1 sweep)", "pattern bytes", "overlap after one sweep");
            table.AddRow(
                options.Neurons.ToString("N0", CultureInfo.InvariantCulture),
                options.Patterns.ToString(CultureInfo.InvariantCulture),
                Format(r.SecondsPerSweep * 1e3, "0.000"),
                Format(r.RecallSeconds * 1e3, "0.000"),
                r.PatternBytes.ToString("N0", CultureInfo.InvariantCulture),
                Format(r.Overlap, "0.0000"));
            io.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
