using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML;
using Hopfield.ML.Memories.Semantic;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.Export;
using Hopfield.ML.Onnx.FeatureMaps;
using Hopfield.ML.Onnx.Pipeline;
using Hopfield.ML.Onnx.Runtime;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

namespace Hopfield.Cli.Commands;

/// <summary><c>hopfield export-onnx</c>: builds a memory from images and writes it as an ONNX model.</summary>
internal static class ExportOnnxCommand
{
    public static Command Build(CliIO io)
    {
        var images = new Option<string?>("--images", "-i") { Description = "IDX image file whose first --count images are stored (default: the embedded Fashion-MNIST test images)." };
        var count = new Option<int>("--count", "-n") { Description = "Number of images to store.", DefaultValueFactory = _ => 1000 };
        var similarity = new Option<string>("--similarity") { Description = "dot, cosine, euclidean (negative L2) or manhattan (negative L1).", DefaultValueFactory = _ => "dot" };
        similarity.AcceptOnlyFromAmong("dot", "cosine", "euclidean", "l2", "manhattan", "l1");
        var separation = new Option<string>("--separation") { Description = "identity, softmax, max, topk or polynomial.", DefaultValueFactory = _ => "softmax" };
        separation.AcceptOnlyFromAmong("identity", "softmax", "max", "topk", "polynomial");
        var beta = new Option<float>("--beta") { Description = "Inverse temperature β of softmax and top-k.", DefaultValueFactory = _ => UniversalHopfieldOptions.Defaults.Beta };
        var k = new Option<int>("--top-k", "--k") { Description = "k of the topk separation.", DefaultValueFactory = _ => 5 };
        var degree = new Option<int>("--degree") { Description = "Degree n of polynomial separation.", DefaultValueFactory = _ => UniversalHopfieldOptions.Defaults.Degree };
        var output = CommonOptions.Out("The ONNX file to write (folders are created).", required: true);
        var encoder = new Option<string?>("--encoder") { Description = "Semantic export: an ONNX image encoder φ; the model then takes images, embeds them with φ and retrieves among the stored images by similarity of embeddings." };
        var pipeline = new Option<string?>("--pipeline") { Description = "Export the first fitted stage of a saved model file (.hopfield) that has an ONNX form (SemanticRetrieve, HopfieldDenoise, HopfieldClassifier, HopfieldPool) instead of building a memory." };
        var json = CommonOptions.Json();
        var command = new Command(
            "export-onnx",
            "Store images in a universal Hopfield memory and export one retrieval step as an ONNX model (input 'query' [batch, pixels]; " +
            "outputs 'retrieved' [batch, pixels] and 'attention' [batch, count]) that ONNX Runtime and ML.NET's ApplyOnnxModel run.\n" +
            "Example:\n  hopfield export-onnx --count 1000 --similarity manhattan --separation softmax --beta 0.05 --out memory.onnx")
        {
            images, count, similarity, separation, beta, k, degree, encoder, pipeline, output, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(pipeline) is string modelFile)
            {
                if (parse.GetValue(encoder) is not null || parse.GetValue(images) is not null)
                {
                    throw new UsageException("--pipeline exports a saved stage; it cannot be combined with --encoder or --images.");
                }

                var (stageModel, patterns, memoryOptions, name) = ExportStage(modelFile);
                return WriteSemantic(io, parse.GetValue(output)!, stageModel, patterns, memoryOptions, parse.GetValue(json), $"{name} stage of {modelFile}");
            }

            string imagePath = parse.GetValue(images) ?? DefaultImages();
            int n = parse.GetValue(count);
            var (pixels, rows, width, height) = IdxImages.Load(imagePath, n);
            var options = new UniversalHopfieldOptions
            {
                Similarity = ParseSimilarity(parse.GetValue(similarity)!),
                Separation = ParseSeparation(parse.GetValue(separation)!),
                Beta = parse.GetValue(beta),
                TopK = parse.GetValue(k),
                Degree = parse.GetValue(degree),
            };
            if (parse.GetValue(encoder) is string encoderPath)
            {
                using var phi = OnnxFeatureMap.FromFile(encoderPath);
                var semantic = new SemanticMemory(phi, pixels, rows, options);
                return WriteSemantic(io, parse.GetValue(output)!, OnnxExport.SemanticRetrieve(File.ReadAllBytes(encoderPath), semantic.Memory), rows, options, parse.GetValue(json), $"{rows} images embedded by {Path.GetFileName(encoderPath)}");
            }

            var memory = new UniversalHopfieldMemory(pixels, rows, default, options);
            byte[] model = OnnxExport.UniversalHopfield(memory);
            string outPath = parse.GetValue(output)!;
            string full = CliIO.PrepareOutputFile(outPath);
            File.WriteAllBytes(full + ".tmp", model);
            File.Move(full + ".tmp", full, overwrite: true);
            string sha = Convert.ToHexStringLower(SHA256.HashData(model));
            int dim = width * height;
            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    @out = outPath,
                    bytes = model.Length,
                    sha256 = sha,
                    patterns = rows,
                    dim,
                    similarity = options.Similarity.ToString(),
                    separation = options.Separation.ToString(),
                    beta = options.Beta,
                    k = options.TopK,
                    degree = options.Degree,
                    input = new { name = OnnxExport.QueryInputName, shape = new object[] { "batch", dim } },
                    outputs = new object[]
                    {
                        new { name = OnnxExport.RetrievedOutputName, shape = new object[] { "batch", dim } },
                        new { name = OnnxExport.AttentionOutputName, shape = new object[] { "batch", rows } },
                    },
                });
            }
            else
            {
                io.Line(string.Create(CultureInfo.InvariantCulture, $"{rows} patterns of {height}×{width} ({options.Similarity}, {options.Separation}, β = {options.Beta}) exported to {outPath} ({model.Length:N0} bytes, sha256 {sha})"));
                io.Line(string.Create(CultureInfo.InvariantCulture, $"input '{OnnxExport.QueryInputName}' [batch, {dim}] → outputs '{OnnxExport.RetrievedOutputName}' [batch, {dim}], '{OnnxExport.AttentionOutputName}' [batch, {rows}]"));
            }

            return 0;
        });
        return command;
    }

    /// <summary>Exports the first stage of a saved model that has an ONNX form: SemanticRetrieve, HopfieldDenoise, a Hopfield classifier or HopfieldPool.</summary>
    private static (byte[] Model, int Patterns, UniversalHopfieldOptions Options, string Name) ExportStage(string modelFile)
    {
        _ = typeof(SemanticRetrieveTransformer); // loads the assembly that defines the ONNX stages
        var root = new HopfieldContext().Model.Load(modelFile);
        var stages = Flatten(root).ToList();
        foreach (var stage in stages)
        {
            switch (stage)
            {
                case SemanticRetrieveTransformer semantic:
                    return (OnnxExport.SemanticRetrieve(semantic), semantic.Memory.Count, semantic.Memory.Options, "SemanticRetrieve");
                case HopfieldDenoiseTransformer denoise:
                    return (OnnxExport.HopfieldDenoise(denoise), denoise.PatternCount, denoise.MemoryOptions, "HopfieldDenoise");
                case HopfieldClassifierTransformer classifier:
                    return (OnnxExport.HopfieldClassifier(classifier), classifier.KeyCount, classifier.MemoryOptions, "HopfieldClassifier");
                case HopfieldPoolTransformer pool:
                    return (OnnxExport.HopfieldPool(pool), pool.PrototypeLabels.Count, new UniversalHopfieldOptions { Similarity = pool.Similarity, Beta = pool.Beta }, "HopfieldPool");
                default:
                    break;
            }
        }

        throw new ArgumentException(
            $"'{modelFile}' has no stage that exports to ONNX (SemanticRetrieve, HopfieldDenoise, HopfieldClassifier, HopfieldPool); its stages are {string.Join(", ", stages.Select(t => t.GetType().Name))}.");
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer t) =>
        t is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [t];

    private static int WriteSemantic(CliIO io, string outPath, byte[] model, int patterns, UniversalHopfieldOptions options, bool json, string what)
    {
        string full = CliIO.PrepareOutputFile(outPath);
        File.WriteAllBytes(full + ".tmp", model);
        File.Move(full + ".tmp", full, overwrite: true);
        string sha = Convert.ToHexStringLower(SHA256.HashData(model));
        using var session = OnnxSession.FromBytes(model);
        if (json)
        {
            io.WriteJson(new
            {
                @out = outPath,
                bytes = model.Length,
                sha256 = sha,
                patterns,
                similarity = options.Similarity.ToString(),
                separation = options.Separation.ToString(),
                beta = options.Beta,
                inputs = session.Inputs.Select(i => new { name = i.Name, shape = i.Shape }),
                outputs = session.Outputs.Select(o => new { name = o.Name, shape = o.Shape }),
            });
        }
        else
        {
            io.Line(string.Create(CultureInfo.InvariantCulture, $"{what} ({options.Similarity}, {options.Separation}, β = {options.Beta}) exported to {outPath} ({model.Length:N0} bytes, sha256 {sha})"));
            io.Line($"inputs {string.Join(", ", session.Inputs)} → outputs {string.Join(", ", session.Outputs)}");
        }

        return 0;
    }

    internal static string DefaultImages()
    {
        var (file, _) = FashionMnist.EmbeddedFileNames(DataSplit.Test);
        return Path.Combine(FashionMnist.FindEmbeddedFolder(file), file);
    }

    internal static SimilarityFunction ParseSimilarity(string name) => name.ToLowerInvariant() switch
    {
        "dot" => SimilarityFunction.Dot,
        "cosine" => SimilarityFunction.Cosine,
        "euclidean" or "l2" => SimilarityFunction.NegativeEuclidean,
        "manhattan" or "l1" => SimilarityFunction.NegativeManhattan,
        _ => throw new ArgumentException($"Unknown similarity '{name}'; use dot, cosine, euclidean or manhattan."),
    };

    internal static SeparationFunction ParseSeparation(string name) => name.ToLowerInvariant() switch
    {
        "identity" => SeparationFunction.Identity,
        "softmax" => SeparationFunction.Softmax,
        "max" => SeparationFunction.Max,
        "topk" => SeparationFunction.TopKSoftmax,
        "polynomial" => SeparationFunction.Polynomial,
        _ => throw new ArgumentException($"Unknown separation '{name}'; use identity, softmax, max, topk or polynomial."),
    };
}
