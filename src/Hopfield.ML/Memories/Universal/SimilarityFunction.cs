namespace Hopfield.ML.Memories.Universal;

/// <summary>How a query is compared with each stored key (larger means more similar).</summary>
public enum SimilarityFunction
{
    /// <summary>Dot product kᵀq.</summary>
    Dot = 0,

    /// <summary>Cosine kᵀq / (‖k‖‖q‖); a zero vector has similarity 0 with everything.</summary>
    Cosine = 1,

    /// <summary>Negative Euclidean distance −‖k − q‖₂ (not squared).</summary>
    NegativeEuclidean = 2,

    /// <summary>Negative Manhattan distance −‖k − q‖₁.</summary>
    NegativeManhattan = 3,
}
