// A consumer of the packed Hopfield.ML packages (Hopfield.ML, Hopfield.ML.Imaging, Hopfield.ML.Onnx 0.1.0), restored
// from the local pack folder named in nuget.config:
//
//   scripts/pack.sh && dotnet run --project samples/PackageConsumer -c Release [-- path/to/encoder.onnx | --exported]
//
// 1. loads the Fashion-MNIST subset embedded in Hopfield.ML.Imaging (no data files needed next to the app);
// 2. fits HopfieldDenoise → softmax regression and evaluates it on clean and noisy test images;
// 3. predicts single images with a prediction engine;
// 4. runs an ONNX model through ONNX Runtime: the encoder given as argument (or onnx/models/simclr_encoder.onnx when
//    run inside the repository), else (or with --exported) a memory of training images exported to ONNX. Skipped, with the reason, when the ONNX
//    Runtime native library is not installed (it is not shipped in the packages; see docs/packages.md).
using System.Globalization;
using Hopfield.ML;
using Hopfield.ML.Imaging.Corruptions;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Imaging.Pipeline;
using Hopfield.ML.Onnx.Export;
using Hopfield.ML.Onnx.FeatureMaps;
using Hopfield.ML.Onnx.Runtime;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// 1. The embedded data.
var ctx = new HopfieldContext(seed: 1);
var train = ctx.Data.LoadFashionMnistEmbedded(DataSplit.Train);
var test = ctx.Data.LoadFashionMnistEmbedded(DataSplit.Test);
Console.WriteLine($"embedded Fashion-MNIST: {train.RowCount} training and {test.RowCount} test images");

// 2. A denoise stage in front of a classifier.
var pipeline = ctx.Transforms.HopfieldDenoise("Features", "Features", new HopfieldDenoiseEstimator.Options
    {
        Similarity = Hopfield.ML.Memories.Universal.SimilarityFunction.NegativeManhattan,
        Beta = 0.25f,
        ExcludeIdentical = true,
    })
    .Append(ctx.Classifiers.SoftmaxRegression(labelColumnName: "Label", featureColumnName: "Features", maxIterations: 100));
var model = pipeline.Fit(train);
var metrics = ctx.Classifiers.Evaluate(model.Transform(test));
Console.WriteLine($"HopfieldDenoise → softmax regression: test accuracy {metrics.MicroAccuracy:P1}");

// 3. Single predictions, clean and with Gaussian noise.
var images = FashionMnist.LoadEmbedded(DataSplit.Test);
var engine = ctx.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);
var noise = Corruptions.Parse("gaussian:0.5")[0];
int correct = 0;
const int Count = 100;
for (int i = 0; i < Count; i++)
{
    var noisy = engine.Predict(new ModelInput { Features = noise.Apply(images.Images[i], images.Width, images.Height, seed: i) });
    correct += noisy.PredictedLabel == images.Labels[i] ? 1 : 0;
    if (i < 3)
    {
        Console.WriteLine($"  image {i}: true {images.ClassNames[images.Labels[i]],-11} noisy → {images.ClassNames[(int)noisy.PredictedLabel],-11} (p = {noisy.Score[noisy.PredictedLabel]:0.00})");
    }
}

Console.WriteLine($"single predictions on {Count} noisy test images (Gaussian σ = 0.5): {correct}/{Count} correct");

// 4. ONNX Runtime.
try
{
    OnnxRuntime.Initialize();
}
catch (DllNotFoundException ex)
{
    Console.WriteLine("ONNX: skipped, the ONNX Runtime native library was not found:");
    Console.WriteLine(ex.Message);
    return 0;
}

Console.WriteLine($"ONNX Runtime {OnnxRuntime.Version} from {OnnxRuntime.LibraryPath}");
string? encoderPath = args.Contains("--exported") ? null
    : args.Length > 0 ? args[0] : FindAbove(Path.Combine("onnx", "models", "simclr_encoder.onnx"));
if (encoderPath is not null)
{
    using var encoder = OnnxFeatureMap.FromFile(encoderPath);
    float[] batch = [.. images.Images[0], .. images.Images[1], .. images.Images[2]];
    var features = new float[3 * encoder.OutputDimension];
    encoder.Map(batch, 3, features);
    Console.WriteLine($"encoder {Path.GetFileName(encoderPath)}: {encoder.InputDimension} → {encoder.OutputDimension} values per image");
    for (int i = 1; i < 3; i++)
    {
        Console.WriteLine($"  cosine(image 0 {images.ClassNames[images.Labels[0]]}, image {i} {images.ClassNames[images.Labels[i]]}) = " +
            $"{Cosine(features.AsSpan(0, encoder.OutputDimension), features.AsSpan(i * encoder.OutputDimension, encoder.OutputDimension)):0.000}");
    }
}
else
{
    // No encoder file at hand: export a modern Hopfield memory of 100 training images (unit length, so that the
    // dot product is the cosine) to ONNX, run it on a noisy copy of stored image 7, and name the image it retrieved.
    const int Stored = 100, Dim = 784, Target = 7;
    var trainImages = FashionMnist.LoadEmbedded(DataSplit.Train);
    var patterns = new float[Stored * Dim];
    for (int i = 0; i < Stored; i++)
    {
        UnitLength(trainImages.Images[i]).CopyTo(patterns, i * Dim);
    }

    byte[] onnx = OnnxExport.ModernHopfield(patterns, Stored, Dim, beta: 50f);
    using var memory = OnnxFeatureMap.FromBytes(onnx, new OnnxFeatureMapOptions { OutputName = OnnxExport.RetrievedOutputName });
    float[] retrieved = memory.Map(UnitLength(noise.Apply(trainImages.Images[Target], 28, 28, seed: Target)));
    int best = 0;
    double bestDistance = double.MaxValue;
    for (int i = 0; i < Stored; i++)
    {
        double d = 0;
        for (int j = 0; j < Dim; j++)
        {
            double e = retrieved[j] - patterns[(i * Dim) + j];
            d += e * e;
        }

        (best, bestDistance) = d < bestDistance ? (i, d) : (best, bestDistance);
    }

    Console.WriteLine($"exported modern Hopfield memory ({onnx.Length / 1024} KiB of ONNX, {Stored} images): noisy image {Target} → " +
        $"retrieved stored image {best} ({images.ClassNames[trainImages.Labels[best]]}), distance {Math.Sqrt(bestDistance):0.000}");
}

return 0;

static string? FindAbove(string relative)
{
    foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
    }

    return null;
}

static float[] UnitLength(float[] v)
{
    double norm = Math.Sqrt(v.Sum(x => (double)x * x));
    return [.. v.Select(x => (float)(x / norm))];
}

static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
{
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.Length; i++)
    {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
    }

    return dot / Math.Sqrt(na * nb);
}

/// <summary>One 28×28 grey image, samples in [0, 1].</summary>
internal sealed class ModelInput
{
    [VectorSize(784)]
    public float[] Features { get; set; } = [];
}

/// <summary>The class probabilities and the most probable class.</summary>
internal sealed class ModelOutput
{
    public float[] Score { get; set; } = [];

    public uint PredictedLabel { get; set; }
}
