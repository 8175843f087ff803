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

    /// <summary>
    /// Sparse value projection: in the fused softmax / polynomial path, an attention weight below
    /// <c>SparseTolerance × the largest weight</c> does not pull its value row into the output. 0 (default) keeps the
    /// projection dense. The output moves by at most Count × tolerance × max|value| relative to the dense one
    /// (far less in practice: with a peaked softmax almost all weights are many orders of magnitude below the maximum).
    /// Must be in [0, 1). Attention weights that are returned are never sparsified.
    /// </summary>
    public float SparseTolerance { get; init; }

    /// <summary>
    /// Screened retrieval: an 8-bit copy of the keys (a quarter of their float size) bounds every score from both
    /// sides before any exact score is computed; only keys whose softmax weight could reach
    /// <c>SparseTolerance / (2 · Count)</c> of the best one stay candidates, of those only the ones that could reach
    /// τ·(1/2 − n/Count)/n (n candidates) get an exact score, and only weights of at least τ/Count pull their value row
    /// in; the keys left out weigh less than <see cref="SparseTolerance"/> together, so the output stays within
    /// 2 × tolerance × max|value| of the dense one. Pays when the softmax is peaked (β·score spread of tens, the regime of
    /// retrieval): memories of fewer than 256 keys run the fused sparse path instead (the 8-bit pass saves less than it
    /// adds there). A query with too many candidates (a flat softmax) falls back to the fused path, so the answer never
    /// depends on it. With values equal to the keys (auto-association, dot or negative Euclidean similarity) the value rows
    /// come from the same row copy as the exact scores. Negative Euclidean scores are bounded through
    /// ‖q − k‖² = ‖q‖² + ‖k‖² − 2q·k from the same 8-bit products; the exact ones are the dense path's differences.
    /// Queries with values too large for finite bounds (near 1e18 and up) take the fused path too.
    /// Needs <see cref="SparseTolerance"/> &gt; 0, softmax separation and dot, cosine or negative Euclidean similarity.
    /// Default: off.
    /// </summary>
    public bool Screening { get; init; }

    /// <summary>Precision of the stored keys and values. Default: <see cref="MemoryStorage.Float32"/>.</summary>
    public MemoryStorage Storage { get; init; } = MemoryStorage.Float32;

    /// <summary>Worker threads for batches; 0 = all processors. Results do not depend on this value.</summary>
    public int Threads { get; init; }
}
