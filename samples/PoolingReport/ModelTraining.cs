using Hopfield.ML;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

namespace PoolingReport;

/// <summary>Fits Hopfield pooling with one stored prototype per outfit kind and saves it.</summary>
internal static class ModelTraining
{
    public static ITransformer Train(string modelPath)
    {
        var ctx = new HopfieldContext(seed: 1);
        var (bags, labels, _) = Outfits.Make(FashionMnist.LoadEmbedded(DataSplit.Train), count: 600, seed: 1);
        var train = ctx.Data.FromArrays("Bag", bags, ModelInput.Slots * ModelInput.ImageSize, "Label", labels, Outfits.Kinds.Length);

        var pipeline = ctx.Transforms.HopfieldPool("Pooled", "Bag", instanceDimension: ModelInput.ImageSize,
            labelColumnName: "Label", classNames: Outfits.Kinds, beta: 30f);
        Console.WriteLine($"Fitting Hopfield pooling on {train.RowCount} bags …");
        var model = pipeline.Fit(train);
        ctx.Model.Save(model, train.Schema, modelPath);
        Console.WriteLine($"Saved the model to {modelPath}");
        return model;
    }
}
