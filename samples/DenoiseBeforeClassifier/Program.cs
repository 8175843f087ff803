using DenoiseBeforeClassifier;
using Hopfield.ML.Imaging.Corruptions;
using Hopfield.ML.Imaging.Datasets;

// 1. Training: build the pipeline, fit it on the embedded data, save it.
ModelTraining.Train(ModelConsumption.ModelPath);

// 2. Consumption: load the saved model and predict single images, clean and with Gaussian noise.
var test = FashionMnist.LoadEmbedded(DataSplit.Test);
var noise = Corruptions.Parse("gaussian:0.5")[0];
int correctClean = 0, correctNoisy = 0, shown = 0;
const int Count = 200;
for (int i = 0; i < Count; i++)
{
    var clean = ModelConsumption.Predict(new ModelInput { Features = test.Images[i] });
    var noisy = ModelConsumption.Predict(new ModelInput { Features = noise.Apply(test.Images[i], test.Width, test.Height, seed: i) });
    correctClean += clean.PredictedLabel == test.Labels[i] ? 1 : 0;
    correctNoisy += noisy.PredictedLabel == test.Labels[i] ? 1 : 0;
    if (shown++ < 5)
    {
        Console.WriteLine($"image {i}: true {test.ClassNames[test.Labels[i]],-12} clean → {test.ClassNames[(int)clean.PredictedLabel],-12} " +
            $"noisy → {test.ClassNames[(int)noisy.PredictedLabel],-12} (p = {noisy.Score[noisy.PredictedLabel]:0.00})");
    }
}

Console.WriteLine($"Single-image predictions on {Count} test images: clean {correctClean}/{Count}, Gaussian σ = 0.5: {correctNoisy}/{Count}.");
