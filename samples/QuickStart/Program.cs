// The README's quick start. Run from the repository root: dotnet run --project samples/QuickStart
// Each block between "// README:" and "// END" is copied verbatim into README.md (a test keeps them equal).
using Hopfield.ML;
using Hopfield.ML.Imaging.Codecs;
using Hopfield.ML.Imaging.Corruptions;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Imaging.Pipeline;
using Hopfield.ML.Imaging.Processing;
using Hopfield.ML.Memories;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.Pipeline;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

DenoiseBeforeAClassifier();
SemanticImageSearch();
SelfRepairingImage();

static void DenoiseBeforeAClassifier()
{
    // README: denoise
    var ctx = new HopfieldContext(seed: 1);
    DataSet train = ctx.Data.LoadFashionMnistEmbedded(DataSplit.Train);   // 3000 images, "Features" (784) + "Label"
    DataSet test = ctx.Data.LoadFashionMnistEmbedded(DataSplit.Test);

    // A memory of the training images in front of a softmax regression.
    var pipeline = ctx.Transforms.HopfieldDenoise("Features", "Features", new HopfieldDenoiseEstimator.Options
        {
            Similarity = SimilarityFunction.NegativeManhattan,
            Beta = 0.25f,
            ExcludeIdentical = true,       // leave-one-out: the classifier learns from retrieved images
        })
        .Append(ctx.Classifiers.SoftmaxRegression(labelColumnName: "Label", featureColumnName: "Features"));
    var model = pipeline.Fit(train);

    var metrics = ctx.Classifiers.Evaluate(model.Transform(test));
    Console.WriteLine($"accuracy {metrics.MicroAccuracy:P1}, macro-F1 {metrics.MacroF1:0.000}");

    ctx.Model.Save(model, train.Schema, "denoise.hopfield");              // one file: manifest, tensors, SHA-256
    var engine = ctx.Model.CreatePredictionEngine<Garment, GarmentClass>(ctx.Model.Load("denoise.hopfield"));
    var images = FashionMnist.LoadEmbedded(DataSplit.Test);
    var noisy = Corruptions.Parse("gaussian:0.5")[0].Apply(images.Images[0], 28, 28, seed: 7);
    uint predicted = engine.Predict(new Garment { Features = noisy }).PredictedLabel;
    Console.WriteLine($"noisy image 0: predicted {images.ClassNames[(int)predicted]}, true {images.ClassNames[images.Labels[0]]}");
    // END
}

static void SemanticImageSearch()
{
    // README: semantic
    var ctx = new HopfieldContext(seed: 1);
    DataSet gallery = ctx.Data.LoadFashionMnistEmbedded(DataSplit.Test);

    // Compare in the embedding space of a contrastive encoder φ (ONNX); return the nearest stored original.
    var nearest = new UniversalHopfieldOptions { Similarity = SimilarityFunction.Cosine, Separation = SeparationFunction.Max };
    var search = ctx.Transforms.SemanticRetrieve("Retrieved", "Features", "onnx/models/simclr_encoder.onnx", nearest)
        .Fit(gallery);

    var query = FashionMnist.LoadEmbedded(DataSplit.Test).Images[3];
    var flipped = Corruptions.Parse("flip")[0].Apply(query, 28, 28, seed: 1);   // a mirrored copy of image 3
    var engine = ctx.Model.CreatePredictionEngine<Garment, Match>(search);
    float[] found = engine.Predict(new Garment { Features = flipped }).Retrieved;
    Console.WriteLine($"the mirrored query retrieved image 3: {found.AsSpan().SequenceEqual(query)}");
    // END
}

static void SelfRepairingImage()
{
    // README: repair
    var side = 64;
    var shirt = Pixels.Resize(FashionMnist.LoadEmbedded(DataSplit.Test).GetImage(1), side, side, ResizeMode.Bilinear);
    var boot = Pixels.Resize(FashionMnist.LoadEmbedded(DataSplit.Test).GetImage(0), side, side, ResizeMode.Bilinear);

    var network = new ClassicalHopfieldNetwork(side * side, LearningRule.Hebbian);   // bit-packed, no N×N matrix
    var stored = BipolarVector.FromSigns(Pixels.BinarizeOtsu(shirt.Data));
    network.Store(stored);
    network.Store(BipolarVector.FromSigns(Pixels.BinarizeOtsu(boot.Data)));

    var damaged = BipolarVector.Corrupt(stored, 0.3, new Random(7));                  // flip 30 % of the pixels
    var result = network.Recall(damaged, new BinaryRecallOptions { Mode = BinaryUpdateMode.Asynchronous, Seed = 1 });
    Console.WriteLine($"{result.Termination} after {result.Sweeps} sweeps, " +
        $"wrong pixels {BipolarVector.MismatchFraction(damaged, stored):P0} → {BipolarVector.MismatchFraction(result.State, stored):P1}");
    // END
}

// README: types
/// <summary>The input row: a 28×28 grey image, pixels in [0, 1].</summary>
internal sealed class Garment
{
    [VectorSize(784)] public float[] Features { get; set; } = [];
}

/// <summary>The classifier's answer.</summary>
internal sealed class GarmentClass
{
    public uint PredictedLabel { get; set; }
    public float[] Score { get; set; } = [];
}

/// <summary>The semantic search's answer.</summary>
internal sealed class Match
{
    [VectorSize(784)] public float[] Retrieved { get; set; } = [];
}
// END
