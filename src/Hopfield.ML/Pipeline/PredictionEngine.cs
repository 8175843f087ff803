namespace Hopfield.ML.Pipeline;

/// <summary>
/// Runs a fitted model on single objects (ML.NET's <c>PredictionEngine</c>). Holds no mutable state: every call builds its
/// own one-row data set, so one engine may be shared by any number of threads.
/// </summary>
/// <typeparam name="TSrc">The input row type (public properties mapped like <see cref="DataOperationsCatalog.LoadFromEnumerable{TRow}"/>).</typeparam>
/// <typeparam name="TDst">The output row type (settable properties read from the output columns of the same name).</typeparam>
public sealed class PredictionEngine<TSrc, TDst>
    where TSrc : class
    where TDst : class, new()
{
    private readonly TypeMapping<TSrc> _input = TypeMapping<TSrc>.Instance;
    private readonly TypeMapping<TDst> _output = TypeMapping<TDst>.Instance;

    /// <summary>Creates the engine; when every vector property of <typeparamref name="TSrc"/> has a <see cref="VectorSizeAttribute"/>, the model's schema is checked now.</summary>
    /// <param name="model">The fitted model.</param>
    public PredictionEngine(ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        if (_input.Members.All(m => m.Kind != ColumnKind.Vector || m.VectorSize > 0))
        {
            var schema = new DataSchema(_input.Members.Select(m => new SchemaColumn(m.Name, m.Kind, m.Kind == ColumnKind.Vector ? m.VectorSize : 1, m.KeyCount)));
            _output.CheckReadable(model.GetOutputSchema(schema));
        }
    }

    /// <summary>The model.</summary>
    public ITransformer Model { get; }

    /// <summary>Runs the model on one example.</summary>
    /// <param name="example">The input.</param>
    /// <returns>A new output object.</returns>
    public TDst Predict(TSrc example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var data = _input.ToDataSet([example]);
        var result = Model.Transform(data);
        return _output.ReadRow(result, _output.BindColumns(result), 0, static () => new TDst());
    }
}
