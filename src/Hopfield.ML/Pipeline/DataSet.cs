using System.Globalization;

namespace Hopfield.ML.Pipeline;

/// <summary>
/// An immutable in-memory columnar data set (the counterpart of ML.NET's <c>IDataView</c>): named columns of equal row count.
/// Operations return new data sets that share unchanged columns.
/// </summary>
public sealed class DataSet
{
    private readonly DataColumn[] _columns;

    /// <summary>Creates a data set from columns of equal row count and unique names.</summary>
    /// <param name="columns">The columns.</param>
    public DataSet(IEnumerable<DataColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = [.. columns];
        if (_columns.Length == 0)
        {
            throw new ArgumentException("A data set needs at least one column.", nameof(columns));
        }

        RowCount = _columns[0].RowCount;
        foreach (var c in _columns)
        {
            if (c.RowCount != RowCount)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Column '{c.Name}' has {c.RowCount} rows but column '{_columns[0].Name}' has {RowCount}."), nameof(columns));
            }
        }

        Schema = new DataSchema(_columns.Select(c => c.Schema));
    }

    /// <summary>Creates a data set from columns.</summary>
    /// <param name="columns">The columns.</param>
    public DataSet(params DataColumn[] columns)
        : this((IEnumerable<DataColumn>)columns)
    {
    }

    /// <summary>The schema.</summary>
    public DataSchema Schema { get; }

    /// <summary>The number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The columns in schema order.</summary>
    public IReadOnlyList<DataColumn> Columns => _columns;

    /// <summary>The column named <paramref name="name"/>; throws <see cref="SchemaMismatchException"/> listing the available columns when absent.</summary>
    /// <param name="name">The column name.</param>
    /// <returns>The column.</returns>
    public DataColumn GetColumn(string name)
    {
        var s = Schema.GetColumn(name);
        return Array.Find(_columns, c => ReferenceEquals(c.Schema, s))!;
    }

    /// <summary>Returns a data set with <paramref name="column"/> added, or replacing the column of the same name in place.</summary>
    /// <param name="column">The column.</param>
    /// <returns>The new data set.</returns>
    public DataSet WithColumn(DataColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var list = _columns.ToList();
        int i = list.FindIndex(c => string.Equals(c.Name, column.Name, StringComparison.Ordinal));
        if (i >= 0)
        {
            list[i] = column;
        }
        else
        {
            list.Add(column);
        }

        return new DataSet(list);
    }

    /// <summary>Returns a data set with only the named columns, in the given order.</summary>
    /// <param name="names">Column names to keep.</param>
    /// <returns>The new data set.</returns>
    public DataSet SelectColumns(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return new DataSet(names.Select(GetColumn));
    }

    /// <summary>Returns a data set without the named columns.</summary>
    /// <param name="names">Column names to drop (each must exist).</param>
    /// <returns>The new data set.</returns>
    public DataSet DropColumns(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var n in names)
        {
            Schema.GetColumn(n);
        }

        return new DataSet(_columns.Where(c => !names.Contains(c.Name, StringComparer.Ordinal)));
    }

    /// <summary>Selects rows by index, in order (repeats allowed).</summary>
    /// <param name="rows">The row indices.</param>
    /// <returns>The new data set.</returns>
    public DataSet SelectRows(ReadOnlySpan<int> rows)
    {
        foreach (int r in rows)
        {
            if ((uint)r >= (uint)RowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), r, string.Create(CultureInfo.InvariantCulture, $"Row index {r} is outside [0, {RowCount})."));
            }
        }

        var result = new DataColumn[_columns.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = _columns[i].SelectRows(rows);
        }

        return new DataSet(result);
    }

    /// <summary>The first <paramref name="count"/> rows (fewer when the set is smaller).</summary>
    /// <param name="count">Rows to take (≥ 0).</param>
    /// <returns>The new data set.</returns>
    public DataSet Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Range(0, Math.Min(count, RowCount));
    }

    /// <summary>All rows but the first <paramref name="count"/>.</summary>
    /// <param name="count">Rows to skip (≥ 0).</param>
    /// <returns>The new data set.</returns>
    public DataSet Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int start = Math.Min(count, RowCount);
        return Range(start, RowCount - start);
    }

    /// <summary>The rows in a seeded random order (Fisher–Yates).</summary>
    /// <param name="seed">The random seed.</param>
    /// <returns>The new data set.</returns>
    public DataSet Shuffle(int seed)
    {
        var order = Enumerable.Range(0, RowCount).ToArray();
        new Random(seed).Shuffle(order);
        return SelectRows(order);
    }

    private DataSet Range(int start, int count)
    {
        var idx = new int[count];
        for (int i = 0; i < count; i++)
        {
            idx[i] = start + i;
        }

        return SelectRows(idx);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"DataSet [{RowCount} rows] {{{Schema}}}");
}
