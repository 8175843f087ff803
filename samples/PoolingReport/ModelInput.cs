using Hopfield.ML.Pipeline;

namespace PoolingReport;

/// <summary>A bag of up to three 28×28 images (3 × 784 values; an all-zero slot is an empty place in the bag).</summary>
internal sealed class ModelInput
{
    public const int Slots = 3;
    public const int ImageSize = 784;

    [VectorSize(Slots * ImageSize)]
    public float[] Bag { get; set; } = [];
}

/// <summary>The pooled vector: the bag as one 784-value pattern, made of its items and the stored outfit prototypes.</summary>
internal sealed class ModelOutput
{
    public float[] Pooled { get; set; } = [];
}
