namespace Hopfield.ML.Memories;

/// <summary>Called with the state after every sweep (sweep 0 is the probe itself). The span is only valid during the call.</summary>
/// <param name="sweep">Sweep number: 0 for the initial state, then 1, 2, …</param>
/// <param name="state">The ±1 state after that sweep.</param>
public delegate void BinaryRecallStepCallback(int sweep, ReadOnlySpan<sbyte> state);

/// <summary>Options of a binary (±1) recall: update mode, sweep limit, seed and what to record.</summary>
public sealed class BinaryRecallOptions
{
    /// <summary>Default values.</summary>
    public static class Defaults
    {
        /// <summary>Default maximum number of sweeps.</summary>
        public const int MaxSweeps = 100;
    }

    /// <summary>Synchronous or asynchronous updates. Default: asynchronous.</summary>
    public BinaryUpdateMode Mode { get; init; } = BinaryUpdateMode.Asynchronous;

    /// <summary>Maximum number of sweeps (one sweep updates every neuron once). Must be at least 1.</summary>
    public int MaxSweeps { get; init; } = Defaults.MaxSweeps;

    /// <summary>Seed of the random neuron order of asynchronous updates (ignored for synchronous updates). Default 0, so recall is reproducible.</summary>
    public int Seed { get; init; }

    /// <summary>Record the energy before the first sweep and after every sweep in <see cref="BinaryRecallResult.EnergyTrace"/>. Default: true.</summary>
    public bool RecordEnergy { get; init; } = true;

    /// <summary>Keep a copy of the state after every sweep in <see cref="BinaryRecallResult.States"/>. Default: false.</summary>
    public bool RecordStates { get; init; }

    /// <summary>Optional callback invoked with the initial state and with the state after every sweep.</summary>
    public BinaryRecallStepCallback? OnStep { get; init; }

    internal void Validate()
    {
        if (MaxSweeps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSweeps), MaxSweeps, $"{nameof(MaxSweeps)} must be at least 1 (got {MaxSweeps}).");
        }

        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, $"Unknown update mode {(int)Mode}.");
        }
    }
}

/// <summary>The outcome of a binary recall.</summary>
public sealed class BinaryRecallResult
{
    internal BinaryRecallResult(sbyte[] state, int sweeps, BinaryRecallTermination termination, double[] energyTrace, IReadOnlyList<sbyte[]>? states, long flips)
    {
        State = state;
        Sweeps = sweeps;
        Termination = termination;
        EnergyTrace = energyTrace;
        States = states;
        TotalFlips = flips;
    }

    /// <summary>The final ±1 state.</summary>
    public sbyte[] State { get; }

    /// <summary>Number of sweeps that ran, including the last one that found the state unchanged (or repeating).</summary>
    public int Sweeps { get; }

    /// <summary>Why recall stopped.</summary>
    public BinaryRecallTermination Termination { get; }

    /// <summary>True when recall ended in a fixed point or (synchronous updates) a 2-cycle, false when it ran out of sweeps.</summary>
    public bool Converged => Termination != BinaryRecallTermination.MaxSweeps;

    /// <summary>True when the final state is a fixed point of the dynamics.</summary>
    public bool IsFixedPoint => Termination == BinaryRecallTermination.FixedPoint;

    /// <summary>
    /// Energy of the probe followed by the energy after each sweep (length <see cref="Sweeps"/> + 1), or empty when
    /// <see cref="BinaryRecallOptions.RecordEnergy"/> is false.
    /// </summary>
    public IReadOnlyList<double> EnergyTrace { get; }

    /// <summary>
    /// The probe followed by the state after each sweep (length <see cref="Sweeps"/> + 1), or null unless
    /// <see cref="BinaryRecallOptions.RecordStates"/> is set.
    /// </summary>
    public IReadOnlyList<sbyte[]>? States { get; }

    /// <summary>Total number of neuron flips over all sweeps.</summary>
    public long TotalFlips { get; }
}
