namespace Hopfield.ML.Memories;

/// <summary>The measured critical load of a memory, with its spread over trials and the theoretical value.</summary>
public sealed class CapacityResult
{
    internal CapacityResult(
        CapacityOptions options,
        string description,
        double[] trialAlphas,
        int[] criticalPatterns,
        bool limitReached,
        int maxPatterns,
        double theoretical,
        string theoreticalBasis,
        TimeSpan elapsed)
    {
        Model = options.Model;
        Rule = options.Model == CapacityModel.Classical ? options.Rule : null;
        Interaction = options.Model == CapacityModel.Dense ? options.Interaction : null;
        Degree = options.Model == CapacityModel.Dense && options.Interaction != DenseInteraction.Exponential ? options.Degree : null;
        Description = description;
        Neurons = options.Neurons;
        Trials = trialAlphas.Length;
        OverlapThreshold = options.OverlapThreshold;
        TrialAlphas = trialAlphas;
        CriticalPatternCounts = criticalPatterns;
        SearchLimitReached = limitReached;
        MaxPatternsSearched = maxPatterns;
        Theoretical = theoretical;
        TheoreticalBasis = theoreticalBasis;
        Elapsed = elapsed;
        Alpha = trialAlphas.Average();
        if (trialAlphas.Length > 1)
        {
            double mean = Alpha;
            AlphaStdDev = Math.Sqrt(trialAlphas.Sum(a => (a - mean) * (a - mean)) / (trialAlphas.Length - 1));
        }
    }

    /// <summary>Classical or dense.</summary>
    public CapacityModel Model { get; }

    /// <summary>The learning rule (classical model), else null.</summary>
    public LearningRule? Rule { get; }

    /// <summary>The interaction (dense model), else null.</summary>
    public DenseInteraction? Interaction { get; }

    /// <summary>The polynomial degree (dense polynomial model), else null.</summary>
    public int? Degree { get; }

    /// <summary>Short name of the memory, for example "classical/hebbian" or "dense/rectified-polynomial n=3".</summary>
    public string Description { get; }

    /// <summary>Number of neurons N.</summary>
    public int Neurons { get; }

    /// <summary>Number of trials.</summary>
    public int Trials { get; }

    /// <summary>The retrieval criterion used (mean overlap ≥ this).</summary>
    public double OverlapThreshold { get; }

    /// <summary>Measured critical load α_c = P_c / N, averaged over trials.</summary>
    public double Alpha { get; }

    /// <summary>Sample standard deviation of the per-trial critical loads (0 for one trial).</summary>
    public double AlphaStdDev { get; }

    /// <summary>Critical load of each trial.</summary>
    public IReadOnlyList<double> TrialAlphas { get; }

    /// <summary>Largest pattern count that met the criterion, per trial.</summary>
    public IReadOnlyList<int> CriticalPatternCounts { get; }

    /// <summary>True when some trial still met the criterion at the largest pattern count searched (the value is then a lower bound).</summary>
    public bool SearchLimitReached { get; }

    /// <summary>The largest pattern count the search would try.</summary>
    public int MaxPatternsSearched { get; }

    /// <summary>Theoretical critical load α = P/N for this memory (may be +∞ for the exponential memory at large N).</summary>
    public double Theoretical { get; }

    /// <summary>Where <see cref="Theoretical"/> comes from and which criterion it belongs to.</summary>
    public string TheoreticalBasis { get; }

    /// <summary>Wall-clock time of the measurement.</summary>
    public TimeSpan Elapsed { get; }
}
