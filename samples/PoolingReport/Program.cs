using Hopfield.ML.Imaging.Datasets;
using PoolingReport;

// 1. Training: fit the pooling stage (one prototype per outfit kind) and save it.
ModelTraining.Train(ModelConsumption.ModelPath);

// 2. Consumption: pool unseen bags from the test images and explain what each pooled vector attended to.
var (bags, labels, names) = Outfits.Make(FashionMnist.LoadEmbedded(DataSplit.Test), count: 300, seed: 2);
int size = ModelInput.Slots * ModelInput.ImageSize;
int correct = 0;
for (int b = 0; b < labels.Length; b++)
{
    var input = new ModelInput { Bag = bags.AsSpan(b * size, size).ToArray() };
    var explanation = ModelConsumption.Explain(input, names[b]);
    correct += explanation.Conclusion == Outfits.Kinds[labels[b]] ? 1 : 0;
    if (b < 3)
    {
        var pooled = ModelConsumption.Predict(input);
        Console.WriteLine();
        Console.WriteLine($"Bag {b} (a {Outfits.Kinds[labels[b]]} bag), pooled into {pooled.Pooled.Length} values:");
        Console.WriteLine(explanation);
    }
}

Console.WriteLine();
Console.WriteLine($"The most-attended prototype was the bag's own kind for {correct} of {labels.Length} test bags.");
