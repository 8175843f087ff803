namespace Hopfield.ML.Memories.Modern;

/// <summary>Settings of a <see cref="ModernHopfieldNetwork"/>.</summary>
public sealed record ModernHopfieldOptions
{
    /// <summary>Default values.</summary>
    public static class Defaults
    {
        /// <summary>Default inverse temperature.</summary>
        public const float Beta = 1f;

        /// <summary>Default number of update steps (one, as in Ramsauer et al.).</summary>
        public const int MaxSteps = 1;

        /// <summary>Default convergence tolerance on ‖ξₜ₊₁ − ξₜ‖₂.</summary>
        public const float Tolerance = 1e-4f;
    }

    /// <summary>Inverse temperature β; finite and &gt; 0.</summary>
    public float Beta { get; init; } = Defaults.Beta;

    /// <summary>Maximum number of updates ξ ← Xᵀ softmax(β X ξ); ≥ 1.</summary>
    public int MaxSteps { get; init; } = Defaults.MaxSteps;

    /// <summary>Iteration stops once ‖ξₜ₊₁ − ξₜ‖₂ ≤ Tolerance; finite and ≥ 0.</summary>
    public float Tolerance { get; init; } = Defaults.Tolerance;

    /// <summary>Worker threads for batches; 0 = all processors. Results do not depend on this value.</summary>
    public int Threads { get; init; }
}
