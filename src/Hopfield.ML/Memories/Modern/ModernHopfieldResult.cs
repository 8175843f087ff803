namespace Hopfield.ML.Memories.Modern;

/// <summary>The outcome of retrieving one query from a <see cref="ModernHopfieldNetwork"/>.</summary>
public sealed class ModernHopfieldResult
{
    private readonly float[] _state;
    private readonly float[] _attention;
    private readonly double[] _energy;

    internal ModernHopfieldResult(float[] state, float[] attention, int steps, bool converged, double[] energy)
    {
        _state = state;
        _attention = attention;
        _energy = energy;
        Steps = steps;
        Converged = converged;
    }

    /// <summary>The final state ξ (the retrieved pattern).</summary>
    public ReadOnlySpan<float> State => _state;

    /// <summary>softmax(β X ξ) of the last update: how much each stored pattern contributed to <see cref="State"/>.</summary>
    public ReadOnlySpan<float> Attention => _attention;

    /// <summary>Number of updates performed.</summary>
    public int Steps { get; }

    /// <summary>Whether the last update moved the state by at most the tolerance.</summary>
    public bool Converged { get; }

    /// <summary>Energy of the query and of the state after each update (Steps + 1 entries; non-increasing).</summary>
    public IReadOnlyList<double> EnergyTrace => _energy;

    /// <summary>Energy of the final state.</summary>
    public double Energy => _energy[^1];

    /// <summary>Index of the stored pattern with the largest attention weight.</summary>
    public int AttendedIndex => Hopfield.ML.Numerics.TopKSelector.ArgMax(_attention);

    /// <summary>A copy of the final state.</summary>
    /// <returns>The state.</returns>
    public float[] ToArray() => (float[])_state.Clone();
}
