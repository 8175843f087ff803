namespace Hopfield.ML.Memories;

/// <summary>The update dynamics of a binary (±1) memory, driven by <see cref="BinaryRecallEngine"/>.</summary>
internal interface IBinaryDynamics
{
    /// <summary>Number of neurons N.</summary>
    int Neurons { get; }

    /// <summary>Number of stored patterns.</summary>
    int PatternCount { get; }

    /// <summary>Writes the synchronous update of <paramref name="state"/> into <paramref name="next"/>; returns how many neurons changed.</summary>
    int SynchronousStep(ReadOnlySpan<sbyte> state, Span<sbyte> next);

    /// <summary>Updates the neurons of <paramref name="state"/> one by one in <paramref name="order"/>; returns the number of flips.</summary>
    int AsynchronousSweep(Span<sbyte> state, ReadOnlySpan<int> order);

    /// <summary>The energy of a state.</summary>
    double Energy(ReadOnlySpan<sbyte> state);
}

/// <summary>Runs sweeps of a binary memory until a fixed point, a 2-cycle or the sweep limit, and records what was asked.</summary>
internal static class BinaryRecallEngine
{
    private static readonly BinaryRecallOptions DefaultOptions = new();

    public static BinaryRecallResult Run(IBinaryDynamics dynamics, ReadOnlySpan<sbyte> probe, BinaryRecallOptions? options, string memoryName)
    {
        options ??= DefaultOptions;
        options.Validate();
        if (dynamics.PatternCount == 0)
        {
            throw new InvalidOperationException($"The {memoryName} stores no patterns; call Store before Recall.");
        }

        BipolarVector.Validate(probe, dynamics.Neurons, nameof(probe));
        int n = dynamics.Neurons;
        var current = probe.ToArray();
        var energies = new List<double>(options.RecordEnergy ? 8 : 0);
        List<sbyte[]>? states = options.RecordStates ? [] : null;

        void Record(int sweep, sbyte[] s)
        {
            if (options.RecordEnergy)
            {
                energies.Add(dynamics.Energy(s));
            }

            states?.Add((sbyte[])s.Clone());
            options.OnStep?.Invoke(sweep, s);
        }

        Record(0, current);
        long flips = 0;
        int sweeps = 0;
        var termination = BinaryRecallTermination.MaxSweeps;
        if (options.Mode == BinaryUpdateMode.Synchronous)
        {
            var next = new sbyte[n];
            sbyte[]? previous = null;
            while (sweeps < options.MaxSweeps)
            {
                int changed = dynamics.SynchronousStep(current, next);
                sweeps++;
                flips += changed;
                bool twoCycle = changed != 0 && previous is not null && next.AsSpan().SequenceEqual(previous);
                var spare = previous ?? new sbyte[n];
                previous = current;
                current = next;
                next = spare;
                Record(sweeps, current);
                if (changed == 0)
                {
                    termination = BinaryRecallTermination.FixedPoint;
                    break;
                }

                if (twoCycle)
                {
                    termination = BinaryRecallTermination.TwoCycle;
                    break;
                }
            }
        }
        else
        {
            var random = new Random(options.Seed);
            var order = new int[n];
            for (int i = 0; i < n; i++)
            {
                order[i] = i;
            }

            while (sweeps < options.MaxSweeps)
            {
                random.Shuffle(order);
                int changed = dynamics.AsynchronousSweep(current, order);
                sweeps++;
                flips += changed;
                Record(sweeps, current);
                if (changed == 0)
                {
                    termination = BinaryRecallTermination.FixedPoint;
                    break;
                }
            }
        }

        return new BinaryRecallResult(current, sweeps, termination, [.. energies], states, flips);
    }
}
