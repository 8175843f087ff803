using Hopfield.ML.Pipeline;

namespace DenoiseBeforeClassifier;

/// <summary>One 28×28 grey image, samples in [0, 1] (the "Features" column of the embedded data set).</summary>
internal sealed class ModelInput
{
    [VectorSize(784)]
    public float[] Features { get; set; } = [];
}

/// <summary>What the pipeline predicts: the class probabilities and the most probable class.</summary>
internal sealed class ModelOutput
{
    public float[] Score { get; set; } = [];

    public uint PredictedLabel { get; set; }
}
