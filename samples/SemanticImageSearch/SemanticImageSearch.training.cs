// Training part (Model Builder style): build the pipeline, fit it on the stored images, save it.
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.Pipeline;
using Hopfield.ML;
using Hopfield.ML.Pipeline;

namespace SemanticImageSearch;

/// <summary>Builds and saves the search model.</summary>
public static class SemanticImageSearchTraining
{
    /// <summary>Stores the embedded Fashion-MNIST training images and saves the fitted pipeline.</summary>
    /// <param name="encoderPath">The SimCLR encoder (.onnx); its bytes are saved inside the model.</param>
    /// <param name="modelPath">Where to save.</param>
    public static void Train(string encoderPath, string modelPath)
    {
        var ctx = new HopfieldContext(seed: 1);
        var train = FashionMnist.LoadEmbedded(DataSplit.Train);
        var data = ctx.Data.LoadFromEnumerable(train.Images.Select((image, i) => new ModelInput { Image = image, Label = train.Labels[i] }));

        // Negative Manhattan (L1) similarity with max separation: the nearest stored image in φ space comes back exactly.
        var nearest = new UniversalHopfieldOptions { Similarity = SimilarityFunction.NegativeManhattan, Separation = SeparationFunction.Max };
        var pipeline = ctx.Transforms.SemanticRetrieve("Retrieved", "Image", encoderPath, nearest, SemanticRetrieveOutput.Original)
            .Append(ctx.Transforms.SemanticRetrieve("MatchLabel", "Image", encoderPath, nearest, SemanticRetrieveOutput.Label));
        var model = pipeline.Fit(data);
        ctx.Model.Save(model, data.Schema, modelPath);
    }
}
