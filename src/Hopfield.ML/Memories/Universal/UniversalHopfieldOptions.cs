namespace Hopfield.ML.Memories.Universal;

/// <summary>Settings of a <see cref="UniversalHopfieldMemory"/>.</summary>
public sealed record UniversalHopfieldOptions
{
    /// <summary>Default values.</summary>
    public static class Defaults
    {
        /// <summary>Default inverse temperature.</summary>
        public const float Beta = 1f;

        /// <summary>Default k for top-k softmax.</summary>
        public const int TopK = 1;

        /// <summary>Default polynomial degree.</summary>
        public const int Degree = 2;
    }

    /// <summary>Similarity between query and keys. Default: dot product.</summary>
    public SimilarityFunction Similarity { get; init; } = SimilarityFunction.Dot;

    /// <summary>Separation applied to the similarity scores. Default: softmax.</summary>
    public SeparationFunction Separation { get; init; } = SeparationFunction.Softmax;

    /// <summary>Inverse temperature β for softmax and top-k softmax; must be finite and &gt; 0.</summary>
    public float Beta { get; init; } = Defaults.Beta;

    /// <summary>k for <see cref="SeparationFunction.TopKSoftmax"/>; 1 ≤ k ≤ stored count.</summary>
    public int TopK { get; init; } = Defaults.TopK;

    /// <summary>Degree n for <see cref="SeparationFunction.Polynomial"/>; ≥ 1.</summary>
    public int Degree { get; init; } = Defaults.Degree;

    /// <summary>Worker threads for batches; 0 = all processors. Results do not depend on this value.</summary>
    public int Threads { get; init; }
}
