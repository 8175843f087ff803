namespace Hopfield.ML.Memories;

/// <summary>How a <see cref="ClassicalHopfieldNetwork"/> turns stored patterns into couplings.</summary>
public enum LearningRule
{
    /// <summary>
    /// Hebb's rule, W = (1/N) Σ_μ ξ_μ ξ_μᵀ with zero diagonal (Hopfield 1982). Stored bit-packed; fields are computed as
    /// Xᵀ(X s) with popcounts, so no N×N matrix is ever formed. Capacity ≈ 0.138 N.
    /// </summary>
    Hebbian,

    /// <summary>
    /// Storkey's incremental rule (Storkey 1997), which subtracts the cross-talk fields of earlier patterns.
    /// Keeps an N×N float weight matrix. Capacity ≈ N / sqrt(2 ln N).
    /// </summary>
    Storkey,

    /// <summary>
    /// The pseudo-inverse (projection) rule, W = Xᵀ (X Xᵀ)⁻¹ X (Personnaz et al. 1985; Kanter and Sompolinsky 1987),
    /// built incrementally by Gram–Schmidt; self-couplings are excluded from the dynamics. Keeps an N×N float weight matrix.
    /// Every linearly independent set of up to N patterns is a set of fixed points.
    /// </summary>
    PseudoInverse,
}

/// <summary>How neurons are updated during recall.</summary>
public enum BinaryUpdateMode
{
    /// <summary>Every neuron of a sweep is updated one at a time, in a fresh seeded random order per sweep (never raises the energy).</summary>
    Asynchronous,

    /// <summary>All neurons are updated at once from the previous state (may end in a 2-cycle).</summary>
    Synchronous,
}

/// <summary>Why a binary recall stopped.</summary>
public enum BinaryRecallTermination
{
    /// <summary>A sweep changed no neuron: the state is a fixed point.</summary>
    FixedPoint,

    /// <summary>Synchronous updates returned to the state of two sweeps before: a 2-cycle.</summary>
    TwoCycle,

    /// <summary>The sweep limit was reached before a fixed point or 2-cycle.</summary>
    MaxSweeps,
}
