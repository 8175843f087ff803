using System.Collections;

namespace Hopfield.ML.Pipeline;

/// <summary>A sequence of fitted stages applied in order (ML.NET's <c>TransformerChain&lt;TLastTransformer&gt;</c>). Immutable.</summary>
/// <typeparam name="TLastTransformer">The type of the last stage.</typeparam>
[PipelineStage("TransformerChain")]
public sealed class TransformerChain<TLastTransformer> : ITransformer, IEnumerable<ITransformer>, ILoadableStage<TransformerChain<TLastTransformer>>
    where TLastTransformer : class, ITransformer
{
    private readonly ITransformer[] _stages;

    /// <summary>Creates a chain from stages; the last must be a <typeparamref name="TLastTransformer"/> (unless the chain is empty).</summary>
    /// <param name="transformers">The stages.</param>
    public TransformerChain(params ITransformer[] transformers)
    {
        ArgumentNullException.ThrowIfNull(transformers);
        _stages = [.. transformers];
        foreach (var t in _stages)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(transformers));
        }

        if (_stages.Length > 0 && _stages[^1] is not TLastTransformer)
        {
            throw new ArgumentException($"The last stage is {_stages[^1].GetType().Name}, expected {typeof(TLastTransformer).Name}.", nameof(transformers));
        }
    }

    /// <summary>The last stage (e.g. the classifier), or <see langword="null"/> for an empty chain.</summary>
    public TLastTransformer? LastTransformer => _stages.Length == 0 ? null : (TLastTransformer)_stages[^1];

    /// <summary>The number of stages.</summary>
    public int Count => _stages.Length;

    /// <summary>Returns a new chain with <paramref name="transformer"/> appended.</summary>
    /// <typeparam name="TNew">The new last stage type.</typeparam>
    /// <param name="transformer">The stage.</param>
    /// <returns>The new chain.</returns>
    public TransformerChain<TNew> Append<TNew>(TNew transformer)
        where TNew : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(transformer);
        return new TransformerChain<TNew>([.. _stages, transformer]);
    }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var s = inputSchema;
        foreach (var t in _stages)
        {
            s = t.GetOutputSchema(s);
        }

        return s;
    }

    /// <inheritdoc />
    public DataSet Transform(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var d = input;
        foreach (var t in _stages)
        {
            d = t.Transform(d);
        }

        return d;
    }

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetParameter("count", _stages.Length);
        for (int i = 0; i < _stages.Length; i++)
        {
            context.SaveStage(i.ToString(System.Globalization.CultureInfo.InvariantCulture), _stages[i]);
        }
    }

    /// <summary>Loads a chain saved by <see cref="Save"/>.</summary>
    /// <param name="context">The load context.</param>
    /// <returns>The chain.</returns>
    public static TransformerChain<TLastTransformer> Load(ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int n = context.GetInt32("count");
        if (n < 0 || n > context.ChildCount)
        {
            // Checked before allocating: the count comes from the file.
            throw context.Error($"the chain declares {n} stages but the file has {context.ChildCount} child stages");
        }

        var stages = new ITransformer[n];
        for (int i = 0; i < n; i++)
        {
            stages[i] = context.LoadStage(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (n > 0 && stages[^1] is not TLastTransformer)
        {
            throw context.Error($"the last stage is {stages[^1].GetType().Name}, expected {typeof(TLastTransformer).Name}");
        }

        return new TransformerChain<TLastTransformer>(stages);
    }

    /// <inheritdoc />
    public IEnumerator<ITransformer> GetEnumerator() => ((IEnumerable<ITransformer>)_stages).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A sequence of estimators fitted in order (ML.NET's <c>EstimatorChain&lt;TLastTransformer&gt;</c>). Immutable.</summary>
/// <typeparam name="TLastTransformer">The fitted type of the last estimator.</typeparam>
public sealed class EstimatorChain<TLastTransformer> : IEstimator<TransformerChain<TLastTransformer>>
    where TLastTransformer : class, ITransformer
{
    private readonly IEstimator<ITransformer>[] _estimators;

    /// <summary>Creates an empty chain.</summary>
    public EstimatorChain()
    {
        _estimators = [];
    }

    private EstimatorChain(IEstimator<ITransformer>[] estimators) => _estimators = estimators;

    /// <summary>The estimators in order.</summary>
    public IReadOnlyList<IEstimator<ITransformer>> Estimators => _estimators;

    /// <summary>Returns a new chain with <paramref name="estimator"/> appended.</summary>
    /// <typeparam name="TNew">The new last fitted type.</typeparam>
    /// <param name="estimator">The estimator.</param>
    /// <returns>The new chain.</returns>
    public EstimatorChain<TNew> Append<TNew>(IEstimator<TNew> estimator)
        where TNew : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return new EstimatorChain<TNew>([.. _estimators, estimator]);
    }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var s = inputSchema;
        foreach (var e in _estimators)
        {
            s = e.GetOutputSchema(s);
        }

        return s;
    }

    /// <summary>Checks the whole chain's schema first (so a bad column fails before any training), then fits each estimator on the output of the previous stages.</summary>
    /// <param name="input">The training data.</param>
    /// <returns>The fitted chain.</returns>
    public TransformerChain<TLastTransformer> Fit(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var stages = new ITransformer[_estimators.Length];
        var d = input;
        for (int i = 0; i < _estimators.Length; i++)
        {
            stages[i] = _estimators[i].Fit(d);
            if (i < _estimators.Length - 1)
            {
                d = stages[i].Transform(d);
            }
        }

        return new TransformerChain<TLastTransformer>(stages);
    }
}

/// <summary>ML.NET-style <c>Append</c> on any estimator or transformer.</summary>
public static class PipelineExtensions
{
    /// <summary>Starts a chain: <paramref name="start"/> then <paramref name="estimator"/>.</summary>
    /// <typeparam name="TNew">The fitted type of <paramref name="estimator"/>.</typeparam>
    /// <param name="start">The first estimator.</param>
    /// <param name="estimator">The second estimator.</param>
    /// <returns>The chain.</returns>
    public static EstimatorChain<TNew> Append<TNew>(this IEstimator<ITransformer> start, IEstimator<TNew> estimator)
        where TNew : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(start);
        return new EstimatorChain<ITransformer>().Append(start).Append(estimator);
    }

    /// <summary>Starts a chain of fitted stages: <paramref name="start"/> then <paramref name="transformer"/>.</summary>
    /// <typeparam name="TNew">The type of <paramref name="transformer"/>.</typeparam>
    /// <param name="start">The first stage.</param>
    /// <param name="transformer">The second stage.</param>
    /// <returns>The chain.</returns>
    public static TransformerChain<TNew> Append<TNew>(this ITransformer start, TNew transformer)
        where TNew : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(start);
        return new TransformerChain<ITransformer>(start).Append(transformer);
    }

    /// <summary>Creates a thread-safe typed prediction engine for a fitted model (ML.NET's <c>Model.CreatePredictionEngine</c>).</summary>
    /// <typeparam name="TSrc">The input row type.</typeparam>
    /// <typeparam name="TDst">The output row type.</typeparam>
    /// <param name="model">The fitted model.</param>
    /// <returns>The engine.</returns>
    public static PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(this ITransformer model)
        where TSrc : class
        where TDst : class, new() => new(model);
}
