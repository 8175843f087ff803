using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Imaging.Corruptions;
using Hopfield.ML.Memories.Semantic;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.FeatureMaps;
using Spectre.Console;

namespace Hopfield.Cli.Commands.Experiments;

/// <summary>
/// <c>hopfield experiment semantic</c>: does a memory find the exact original of a corrupted query more often when it compares
/// in the embedding space of a contrastive encoder φ than in pixel space? And how well does a fully semantic memory (store
/// the autoencoder latent only, decode with ψ) reconstruct?
/// </summary>
internal static class SemanticExperiment
{
    private static readonly (string Name, SimilarityFunction Function)[] Similarities =
    [
        ("dot", SimilarityFunction.Dot), ("cosine", SimilarityFunction.Cosine), ("l1", SimilarityFunction.NegativeManhattan), ("l2", SimilarityFunction.NegativeEuclidean),
    ];

    public static Command Build(CliIO io)
    {
        var stored = new Option<int>("--stored", "-n") { Description = "Number of test images stored (the first N).", DefaultValueFactory = _ => 1000 };
        var corruptions = new Option<string>("--corruptions", "-c") { Description = "Comma-separated name[:severity] list, 'all' or 'none'.", DefaultValueFactory = _ => "all" };
        var images = new Option<string?>("--images", "-i") { Description = "IDX image file (default: the embedded Fashion-MNIST test images)." };
        var encoder = new Option<string?>("--encoder") { Description = "Contrastive encoder φ (default: onnx/models/simclr_encoder.onnx, found above the tool or the current folder)." };
        var aeEncoder = new Option<string?>("--ae-encoder") { Description = "Autoencoder encoder for the fully semantic memory (default: onnx/models/autoencoder_encoder.onnx)." };
        var aeDecoder = new Option<string?>("--ae-decoder") { Description = "Autoencoder decoder ψ (default: onnx/models/autoencoder_decoder.onnx)." };
        var fullySimilarity = new Option<string>("--fully-similarity") { Description = "Similarity of the fully semantic memory in latent space: dot, cosine, l1 (or manhattan) or l2 (or euclidean).", DefaultValueFactory = _ => "l1" };
        fullySimilarity.AcceptOnlyFromAmong(CommonOptions.SimilarityNames);
        var seed = CommonOptions.Seed(1);
        var json = CommonOptions.Json();
        var command = new Command(
            "semantic",
            "Store test images and query with corrupted copies: the fraction of queries whose exact original comes back (nearest stored item), " +
            "in pixel space and in the space of a SimCLR encoder φ, per corruption and similarity (dot, cosine, L1, L2); plus the fully " +
            "semantic memory (autoencoder latent stored, decoded by ψ): exact rate and reconstruction MSE vs the original and vs ψ(φ(x)).\n" +
            "Example:\n  hopfield experiment semantic --stored 1000 --corruptions flip,translate:3,gaussian:0.3")
        {
            stored, corruptions, images, encoder, aeEncoder, aeDecoder, fullySimilarity, seed, json,
        };
        command.SetAction(parse =>
        {
            var specs = Corruptions.Parse(parse.GetValue(corruptions)!);
            var (pixels, rows, width, height) = IdxImages.Load(parse.GetValue(images) ?? ExportOnnxCommand.DefaultImages(), parse.GetValue(stored), "--stored");
            string phiPath = parse.GetValue(encoder) ?? ModelFiles.Find("simclr_encoder.onnx");
            string aeEncPath = parse.GetValue(aeEncoder) ?? ModelFiles.Find("autoencoder_encoder.onnx");
            string aeDecPath = parse.GetValue(aeDecoder) ?? ModelFiles.Find("autoencoder_decoder.onnx");
            var fullySim = Similarities.First(s => s.Name == CommonOptions.CanonicalSimilarity(parse.GetValue(fullySimilarity)!)).Function;
            int baseSeed = parse.GetValue(seed);
            var sw = Stopwatch.StartNew();
            var result = io.WithProgress("semantic retrieval", p => Run(pixels, rows, width, height, specs, phiPath, aeEncPath, aeDecPath, fullySim, baseSeed, p));
            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    stored = rows,
                    encoder = Path.GetFileName(phiPath),
                    autoencoder = new[] { Path.GetFileName(aeEncPath), Path.GetFileName(aeDecPath) },
                    fully_semantic_similarity = parse.GetValue(fullySimilarity),
                    seed = baseSeed,
                    criterion = "fraction of queries whose nearest stored item (max separation) is their own original",
                    rows = result,
                    seconds = sw.Elapsed.TotalSeconds,
                });
                return 0;
            }

            io.Line(string.Create(CultureInfo.InvariantCulture, $"{rows} stored images; φ = {Path.GetFileName(phiPath)}; fully semantic: {Path.GetFileName(aeEncPath)} → ψ = {Path.GetFileName(aeDecPath)} ({parse.GetValue(fullySimilarity)})"));
            io.Line("exact-original rate (nearest stored item is the query's own original):");
            var table = new Table().AddColumns("corruption", "pixel dot", "pixel cos", "pixel L1", "pixel L2", "φ dot", "φ cos", "φ L1", "φ L2", "ψ exact", "ψ MSE vs x", "ψ MSE vs ψ(φ(x))");
            foreach (var r in result)
            {
                table.AddRow(
                    [
                        Markup.Escape(r.Corruption),
                        .. Similarities.Select(s => F(r.Pixel[s.Name])),
                        .. Similarities.Select(s => F(r.Phi[s.Name])),
                        F(r.FullySemanticExact),
                        r.MseVsOriginal.ToString("0.0000", CultureInfo.InvariantCulture),
                        r.MseVsDecoded.ToString("0.0000", CultureInfo.InvariantCulture),
                    ]);
            }

            io.Console.Write(table);
            io.Line(string.Create(CultureInfo.InvariantCulture, $"{sw.Elapsed.TotalSeconds:0.0} s"));
            return 0;
        });
        return command;
    }

    internal static List<SemanticRow> Run(
        float[] pixels, int rows, int width, int height, IReadOnlyList<CorruptionSpec> specs, string phiPath, string aeEncPath, string aeDecPath,
        SimilarityFunction fullySimilarity, int seed, IProgress<double> progress)
    {
        int dim = width * height;
        using var phi = OnnxFeatureMap.FromFile(phiPath);
        using var aeEnc = OnnxFeatureMap.FromFile(aeEncPath);
        using var aeDec = OnnxFeatureMap.FromFile(aeDecPath);
        CheckDimension(phi, phiPath, dim, width, height);
        CheckDimension(aeEnc, aeEncPath, dim, width, height);

        var max = new UniversalHopfieldOptions { Separation = SeparationFunction.Max };
        var pixelMemories = Similarities.ToDictionary(s => s.Name, s => new UniversalHopfieldMemory(pixels, rows, default, max with { Similarity = s.Function }));
        var semantic = Similarities.ToDictionary(s => s.Name, s => new SemanticMemory(phi, pixels, rows, max with { Similarity = s.Function }));
        var fully = new FullySemanticMemory(aeEnc, aeDec, pixels, rows, max with { Similarity = fullySimilarity });
        float[] decodedStored = new float[(long)rows * dim];
        aeDec.Map(fully.Memory.GetKeysForDecoding(rows), rows, decodedStored);

        var original = Enumerable.Range(0, rows).Select(i => pixels.AsSpan(i * dim, dim).ToArray()).ToList();
        var cases = new List<(string Name, float[] Queries)> { ("none (stored image)", pixels) };
        foreach (var spec in specs)
        {
            string label = string.Create(CultureInfo.InvariantCulture, $"{spec.Corruption.Name}:{spec.Severity:0.##}");
            cases.Add((label, spec.ApplyBatch(original, width, height, seed).SelectMany(r => r).ToArray()));
        }

        var result = new List<SemanticRow>();
        int[] nearest = new int[rows];
        for (int c = 0; c < cases.Count; c++)
        {
            var (name, queries) = cases[c];
            var pixel = new Dictionary<string, double>();
            var inPhi = new Dictionary<string, double>();
            float[] phiQueries = semantic["cosine"].Embed(queries, rows);
            foreach (var (simName, _) in Similarities)
            {
                pixelMemories[simName].NearestBatch(queries, rows, nearest);
                pixel[simName] = ExactRate(nearest);
                semantic[simName].Memory.NearestBatch(phiQueries, rows, nearest);
                inPhi[simName] = ExactRate(nearest);
            }

            float[] reconstructed = new float[(long)rows * dim];
            fully.RetrieveBatch(queries, rows, reconstructed, nearest);
            result.Add(new SemanticRow(name, pixel, inPhi, ExactRate(nearest), Mse(reconstructed, pixels), Mse(reconstructed, decodedStored)));
            progress.Report((c + 1) / (double)cases.Count);
        }

        return result;
    }

    private static float[] GetKeysForDecoding(this UniversalHopfieldMemory memory, int rows)
    {
        float[] keys = new float[(long)rows * memory.KeyDimension];
        for (int i = 0; i < rows; i++)
        {
            memory.GetKey(i).CopyTo(keys, (long)i * memory.KeyDimension);
        }

        return keys;
    }

    private static void CheckDimension(OnnxFeatureMap map, string path, int dim, int width, int height)
    {
        if (map.InputDimension != dim)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The model '{path}' takes {map.InputDimension} values per image, but the images are {height}×{width} = {dim}."));
        }
    }

    private static double ExactRate(int[] nearest) => nearest.Where((n, i) => n == i).Count() / (double)nearest.Length;

    private static double Mse(float[] a, float[] b)
    {
        double s = 0;
        for (long i = 0; i < a.LongLength; i++)
        {
            double d = a[i] - b[i];
            s += d * d;
        }

        return s / a.LongLength;
    }

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);

    internal sealed record SemanticRow(
        string Corruption, Dictionary<string, double> Pixel, Dictionary<string, double> Phi, double FullySemanticExact, double MseVsOriginal, double MseVsDecoded);
}

/// <summary>Finds the committed ONNX models (onnx/models) above the tool's folder or the current folder.</summary>
internal static class ModelFiles
{
    public static string Find(string file)
    {
        var searched = new List<string>();
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "onnx", "models", file);
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                searched.Add(Path.Combine(dir.FullName, "onnx", "models"));
            }
        }

        throw new FileNotFoundException($"ONNX model '{file}' not found; pass its path. Searched: {string.Join(", ", searched.Distinct())}.", file);
    }
}
