namespace Hopfield.ML.Memories.Universal;

/// <summary>How similarity scores s are turned into the weights w that mix the stored values.</summary>
public enum SeparationFunction
{
    /// <summary>w = s, unnormalised (retrieve = V·sim).</summary>
    Identity = 0,

    /// <summary>w = softmax(β·s).</summary>
    Softmax = 1,

    /// <summary>One-hot at the most similar key (ties: the lowest index).</summary>
    Max = 2,

    /// <summary>softmax(β·s) restricted to the k most similar keys; zero elsewhere.</summary>
    TopKSoftmax = 3,

    /// <summary>
    /// w = relu(s)ⁿ / Σ relu(s)ⁿ (n = degree). Negative scores get no weight; if no score is positive all
    /// weights and the output are zero. Needs a similarity that can be positive (dot or cosine).
    /// </summary>
    Polynomial = 4,
}
