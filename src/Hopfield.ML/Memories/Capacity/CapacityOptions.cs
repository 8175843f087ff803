namespace Hopfield.ML.Memories;

/// <summary>Which memory family a capacity measurement runs on.</summary>
public enum CapacityModel
{
    /// <summary>The classical binary network (<see cref="ClassicalHopfieldNetwork"/>) with a <see cref="LearningRule"/>.</summary>
    Classical,

    /// <summary>The dense associative memory (<see cref="DenseAssociativeMemory"/>) with an interaction and degree.</summary>
    Dense,
}

/// <summary>
/// Options of <see cref="HopfieldCapacity.Measure"/>: which memory, how many neurons and trials, and the retrieval
/// criterion (mean overlap after recall from a stored pattern ≥ <see cref="OverlapThreshold"/>).
/// </summary>
public sealed class CapacityOptions
{
    /// <summary>Default values.</summary>
    public static class Defaults
    {
        /// <summary>Default number of neurons.</summary>
        public const int Neurons = 1000;

        /// <summary>Default number of independent trials.</summary>
        public const int Trials = 5;

        /// <summary>Default retrieval criterion: mean final overlap ≥ 0.97.</summary>
        public const double OverlapThreshold = 0.97;

        /// <summary>Default number of stored patterns recalled per tested load.</summary>
        public const int SampleSize = 32;

        /// <summary>Default sweep limit of each recall.</summary>
        public const int MaxSweeps = 30;

        /// <summary>Default upper end of the pattern-count search for dense memories.</summary>
        public const int MaxDensePatterns = 200_000;
    }

    /// <summary>Classical or dense. Default: classical.</summary>
    public CapacityModel Model { get; init; } = CapacityModel.Classical;

    /// <summary>Learning rule of the classical network. Default: Hebbian.</summary>
    public LearningRule Rule { get; init; } = LearningRule.Hebbian;

    /// <summary>Interaction of the dense memory. Default: rectified polynomial.</summary>
    public DenseInteraction Interaction { get; init; } = DenseInteraction.RectifiedPolynomial;

    /// <summary>Polynomial degree n (≥ 2) of the dense memory. Default 3.</summary>
    public int Degree { get; init; } = 3;

    /// <summary>β of the exponential dense interaction. Default 1.</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>Number of neurons N (≥ 2). Default 1000.</summary>
    public int Neurons { get; init; } = Defaults.Neurons;

    /// <summary>Number of independent trials with fresh random ±1 patterns (≥ 1). Default 5.</summary>
    public int Trials { get; init; } = Defaults.Trials;

    /// <summary>Seed of the random patterns and samples. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Retrieval criterion: the mean overlap (1/N) ξ·s_final over the sampled patterns must reach this, in (0, 1]. Default 0.97.</summary>
    public double OverlapThreshold { get; init; } = Defaults.OverlapThreshold;

    /// <summary>How many stored patterns are recalled at each tested load (all of them when fewer are stored; ≥ 1). Default 32.</summary>
    public int SampleSize { get; init; } = Defaults.SampleSize;

    /// <summary>Fraction of bits flipped in the probe before recall, in [0, 0.5). Default 0: recall starts from the stored pattern itself.</summary>
    public double ProbeFlipFraction { get; init; }

    /// <summary>Update mode of the recalls. Default: asynchronous.</summary>
    public BinaryUpdateMode Mode { get; init; } = BinaryUpdateMode.Asynchronous;

    /// <summary>Sweep limit of each recall (≥ 1). Default 30.</summary>
    public int MaxSweeps { get; init; } = Defaults.MaxSweeps;

    /// <summary>
    /// Largest load α = P/N searched; the result says when it was reached. Null: 0.5 (Hebbian), 1 (Storkey,
    /// pseudo-inverse), and for dense memories 4× the theoretical load, at least 1, at most
    /// <see cref="Defaults.MaxDensePatterns"/> patterns.
    /// </summary>
    public double? MaxLoad { get; init; }

    /// <summary>Cap on the N×N weight matrix of the Storkey and pseudo-inverse rules. Default 2 GiB.</summary>
    public long MaxWeightBytes { get; init; } = ClassicalHopfieldNetwork.DefaultMaxWeightBytes;

    internal void Validate()
    {
        if (!Enum.IsDefined(Model))
        {
            throw new ArgumentOutOfRangeException(nameof(Model), Model, $"Unknown capacity model {(int)Model}.");
        }

        if (!Enum.IsDefined(Rule))
        {
            throw new ArgumentOutOfRangeException(nameof(Rule), Rule, $"Unknown learning rule {(int)Rule}.");
        }

        if (!Enum.IsDefined(Interaction))
        {
            throw new ArgumentOutOfRangeException(nameof(Interaction), Interaction, $"Unknown dense interaction {(int)Interaction}.");
        }

        if (Neurons < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Neurons), Neurons, $"Capacity needs at least 2 neurons (got {Neurons}).");
        }

        if (Trials < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Trials), Trials, $"Trials must be at least 1 (got {Trials}).");
        }

        if (Model == CapacityModel.Dense && Interaction != DenseInteraction.Exponential && Degree < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Degree), Degree, $"The dense polynomial degree must be at least 2 (got {Degree}).");
        }

        if (!(OverlapThreshold > 0 && OverlapThreshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(OverlapThreshold), OverlapThreshold, $"OverlapThreshold must be in (0, 1] (got {OverlapThreshold}).");
        }

        if (SampleSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SampleSize), SampleSize, $"SampleSize must be at least 1 (got {SampleSize}).");
        }

        if (!(ProbeFlipFraction >= 0 && ProbeFlipFraction < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(ProbeFlipFraction), ProbeFlipFraction, $"ProbeFlipFraction must be in [0, 0.5) (got {ProbeFlipFraction}).");
        }

        if (MaxSweeps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSweeps), MaxSweeps, $"MaxSweeps must be at least 1 (got {MaxSweeps}).");
        }

        if (MaxLoad is { } max && !(max > 0 && double.IsFinite(max)))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLoad), max, $"MaxLoad must be positive and finite (got {max}).");
        }

        if (Model == CapacityModel.Dense && (!(Beta > 0) || double.IsInfinity(Beta)))
        {
            throw new ArgumentOutOfRangeException(nameof(Beta), Beta, $"Beta must be positive and finite (got {Beta}).");
        }

        if (Model == CapacityModel.Classical && Rule != LearningRule.Hebbian)
        {
            ClassicalHopfieldNetwork.CheckWeightSize(Neurons, Rule, MaxWeightBytes, nameof(Neurons));
        }
    }
}
