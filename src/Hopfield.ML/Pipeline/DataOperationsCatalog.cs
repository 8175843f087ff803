using System.Globalization;

namespace Hopfield.ML.Pipeline;

/// <summary>Data operations: load from objects or arrays, convert back to objects, split, shuffle, take.</summary>
public sealed class DataOperationsCatalog
{
    private readonly HopfieldContext _context;

    internal DataOperationsCatalog(HopfieldContext context) => _context = context;

    /// <summary>
    /// Loads objects into a data set, one column per public property: <c>float[]</c> (sized by <see cref="VectorSizeAttribute"/>,
    /// else by the first row) → vector, <c>float</c> → scalar, <c>int</c>/<c>uint</c> → key, <c>string</c> → text.
    /// Keys are zero-based class indices for both <c>int</c> and <c>uint</c> (unlike ML.NET, where a <c>uint</c> key 0 means missing).
    /// </summary>
    /// <typeparam name="TRow">The row type.</typeparam>
    /// <param name="data">The rows (enumerated once).</param>
    /// <returns>The data set.</returns>
    public DataSet LoadFromEnumerable<TRow>(IEnumerable<TRow> data)
        where TRow : class
    {
        ArgumentNullException.ThrowIfNull(data);
        var rows = data as IReadOnlyList<TRow> ?? [.. data];
        return TypeMapping<TRow>.Instance.ToDataSet(rows);
    }

    /// <summary>Converts a data set back to objects; each settable mapped property is read from the column of its name.</summary>
    /// <typeparam name="TRow">The row type.</typeparam>
    /// <param name="data">The data set.</param>
    /// <returns>The rows, lazily created.</returns>
    public IEnumerable<TRow> CreateEnumerable<TRow>(DataSet data)
        where TRow : class, new()
    {
        ArgumentNullException.ThrowIfNull(data);
        var map = TypeMapping<TRow>.Instance;
        var cols = map.BindColumns(data);
        return Iterate(data, map, cols);

        static IEnumerable<TRow> Iterate(DataSet data, TypeMapping<TRow> map, DataColumn?[] cols)
        {
            for (int i = 0; i < data.RowCount; i++)
            {
                yield return map.ReadRow(data, cols, i, static () => new TRow());
            }
        }
    }

    /// <summary>Creates a data set from a row-major feature matrix and labels.</summary>
    /// <param name="featureColumnName">The feature column name (e.g. <c>Features</c>).</param>
    /// <param name="features">Row-major features, <c>rows × dimension</c> floats (copied).</param>
    /// <param name="dimension">Features per row.</param>
    /// <param name="labelColumnName">The label column name (e.g. <c>Label</c>).</param>
    /// <param name="labels">One zero-based class index per row (copied).</param>
    /// <param name="classCount">The number of classes, or 0 to infer max + 1.</param>
    /// <returns>The data set.</returns>
    public DataSet FromArrays(string featureColumnName, ReadOnlySpan<float> features, int dimension, string labelColumnName, ReadOnlySpan<int> labels, int classCount = 0)
    {
        var f = DataColumn.Vector(featureColumnName, features, dimension);
        if (f.RowCount != labels.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{labels.Length} labels for {f.RowCount} feature rows ({features.Length} floats / dimension {dimension})."), nameof(labels));
        }

        return new DataSet(f, DataColumn.Key(labelColumnName, labels, classCount));
    }

    /// <summary>Creates a data set holding one float vector column.</summary>
    /// <param name="featureColumnName">The column name.</param>
    /// <param name="features">Row-major values (copied).</param>
    /// <param name="dimension">Floats per row.</param>
    /// <returns>The data set.</returns>
    public DataSet FromArrays(string featureColumnName, ReadOnlySpan<float> features, int dimension) =>
        new(DataColumn.Vector(featureColumnName, features, dimension));

    /// <summary>Splits rows at random into a train and a test set.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="testFraction">The fraction of rows in the test set, in (0, 1).</param>
    /// <param name="seed">The seed; the context's next seed when <see langword="null"/>.</param>
    /// <returns>The two sets.</returns>
    public TrainTestData TrainTestSplit(DataSet data, double testFraction = 0.1, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must lie in (0, 1).");
        }

        var order = Enumerable.Range(0, data.RowCount).ToArray();
        new Random(seed ?? _context.NextSeed()).Shuffle(order);
        int test = (int)Math.Round(data.RowCount * testFraction);
        var testRows = order.AsSpan(0, test).ToArray();
        var trainRows = order.AsSpan(test).ToArray();
        Array.Sort(testRows);
        Array.Sort(trainRows);
        return new TrainTestData(data.SelectRows(trainRows), data.SelectRows(testRows));
    }

    /// <summary>Shuffles rows.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="seed">The seed; the context's next seed when <see langword="null"/>.</param>
    /// <returns>The shuffled set.</returns>
    public DataSet ShuffleRows(DataSet data, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Shuffle(seed ?? _context.NextSeed());
    }

    /// <summary>The first <paramref name="count"/> rows.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="count">Rows to keep.</param>
    /// <returns>The new set.</returns>
    public DataSet TakeRows(DataSet data, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Take(count);
    }

    /// <summary>All rows but the first <paramref name="count"/>.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="count">Rows to skip.</param>
    /// <returns>The new set.</returns>
    public DataSet SkipRows(DataSet data, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Skip(count);
    }
}

/// <summary>The result of <see cref="DataOperationsCatalog.TrainTestSplit"/>.</summary>
/// <param name="TrainSet">The training rows.</param>
/// <param name="TestSet">The test rows.</param>
public sealed record TrainTestData(DataSet TrainSet, DataSet TestSet);
