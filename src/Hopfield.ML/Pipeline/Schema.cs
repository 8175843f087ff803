using System.Collections;
using System.Globalization;

namespace Hopfield.ML.Pipeline;

/// <summary>The kind of values a column holds.</summary>
public enum ColumnKind
{
    /// <summary>A fixed-size vector of <see cref="float"/> per row, stored contiguously (rows × size).</summary>
    Vector,

    /// <summary>One <see cref="float"/> per row.</summary>
    Scalar,

    /// <summary>One zero-based category index (<see cref="int"/>) per row, e.g. a class label.</summary>
    Key,

    /// <summary>One <see cref="string"/> per row, e.g. a file path.</summary>
    Text,
}

/// <summary>One column of a <see cref="DataSchema"/>: name, kind and shape.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Kind">The kind of values.</param>
/// <param name="VectorSize">Values per row: the vector length for <see cref="ColumnKind.Vector"/> (0 = not known until fitted, only in
/// schemas derived without data), 1 otherwise.</param>
/// <param name="KeyCount">For <see cref="ColumnKind.Key"/>: the number of categories when known, 0 when unknown.</param>
public sealed record SchemaColumn(string Name, ColumnKind Kind, int VectorSize = 1, int KeyCount = 0)
{
    /// <summary>A readable type description such as <c>Vector&lt;Single, 784&gt;</c>.</summary>
    public string TypeDescription => Kind switch
    {
        ColumnKind.Vector => VectorSize == 0 ? "Vector<Single, ?>" : string.Create(CultureInfo.InvariantCulture, $"Vector<Single, {VectorSize}>"),
        ColumnKind.Scalar => "Single",
        ColumnKind.Key => KeyCount > 0 ? string.Create(CultureInfo.InvariantCulture, $"Key<{KeyCount}>") : "Key",
        _ => "String",
    };

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {TypeDescription}";
}

/// <summary>
/// The schema of a <see cref="DataSet"/>: an ordered list of uniquely named columns. Immutable.
/// Lookup helpers throw <see cref="SchemaMismatchException"/> naming the column that is missing or mis-shaped.
/// </summary>
public sealed class DataSchema : IReadOnlyList<SchemaColumn>
{
    private readonly SchemaColumn[] _columns;

    /// <summary>Creates a schema from columns; names must be unique and non-empty.</summary>
    /// <param name="columns">The columns in order.</param>
    public DataSchema(IEnumerable<SchemaColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = [.. columns];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in _columns)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(columns));
            if (string.IsNullOrEmpty(c.Name))
            {
                throw new ArgumentException("Column names must be non-empty.", nameof(columns));
            }

            if (!seen.Add(c.Name))
            {
                throw new ArgumentException($"Duplicate column name '{c.Name}'.", nameof(columns));
            }

            if (c.VectorSize < 0 || (c.Kind != ColumnKind.Vector && c.VectorSize != 1))
            {
                throw new ArgumentException($"Column '{c.Name}' has invalid vector size {c.VectorSize} for kind {c.Kind}.", nameof(columns));
            }
        }
    }

    /// <summary>The number of columns.</summary>
    public int Count => _columns.Length;

    /// <summary>The column at <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based column index.</param>
    public SchemaColumn this[int index] => _columns[index];

    /// <summary>The column named <paramref name="name"/>; throws <see cref="SchemaMismatchException"/> when absent.</summary>
    /// <param name="name">The column name.</param>
    public SchemaColumn this[string name] => GetColumn(name);

    /// <summary>The column names in order.</summary>
    public IEnumerable<string> Names => _columns.Select(c => c.Name);

    /// <summary>Tries to find a column by name.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="column">The column when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGetColumn(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SchemaColumn? column)
    {
        column = Array.Find(_columns, c => string.Equals(c.Name, name, StringComparison.Ordinal));
        return column is not null;
    }

    /// <summary>Returns the column named <paramref name="name"/> or throws naming it and listing the available columns.</summary>
    /// <param name="name">The column name.</param>
    /// <returns>The column.</returns>
    public SchemaColumn GetColumn(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!TryGetColumn(name, out var column))
        {
            throw new SchemaMismatchException(name,
                $"Column '{name}' not found; available: {(Count == 0 ? "(none)" : string.Join(", ", Names))}.");
        }

        return column;
    }

    /// <summary>
    /// Returns the column named <paramref name="name"/> after checking it holds floats (a vector, or a scalar when
    /// <paramref name="allowScalar"/>) of size <paramref name="expectedSize"/> (0 = any size).
    /// </summary>
    /// <param name="name">The column name.</param>
    /// <param name="expectedSize">The required vector size, or 0 for any.</param>
    /// <param name="allowScalar">Whether a scalar float column is accepted as a vector of size 1.</param>
    /// <returns>The column.</returns>
    public SchemaColumn RequireFloats(string name, int expectedSize = 0, bool allowScalar = true)
    {
        var c = GetColumn(name);
        bool kindOk = c.Kind == ColumnKind.Vector || (allowScalar && c.Kind == ColumnKind.Scalar);
        if (!kindOk)
        {
            throw new SchemaMismatchException(name,
                $"Column '{name}' is {c.TypeDescription}, expected {(allowScalar ? "a float vector or scalar" : "a float vector")}.");
        }

        if (expectedSize > 0 && c.VectorSize != 0 && c.VectorSize != expectedSize)
        {
            throw new SchemaMismatchException(name,
                string.Create(CultureInfo.InvariantCulture, $"Column '{name}' has vector size {c.VectorSize}, expected {expectedSize}."));
        }

        return c;
    }

    /// <summary>Returns the column named <paramref name="name"/> after checking it is of kind <paramref name="kind"/>.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="kind">The required kind.</param>
    /// <returns>The column.</returns>
    public SchemaColumn RequireKind(string name, ColumnKind kind)
    {
        var c = GetColumn(name);
        if (c.Kind != kind)
        {
            string hint = kind == ColumnKind.Key && c.Kind == ColumnKind.Text ? " Use Transforms.MapValueToKey to convert it." : string.Empty;
            throw new SchemaMismatchException(name, $"Column '{name}' is {c.TypeDescription}, expected {kind}.{hint}");
        }

        return c;
    }

    /// <summary>Returns a new schema with <paramref name="column"/> added, or replacing the column of the same name in place.</summary>
    /// <param name="column">The column to add or replace.</param>
    /// <returns>The new schema.</returns>
    public DataSchema With(SchemaColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        int i = Array.FindIndex(_columns, c => string.Equals(c.Name, column.Name, StringComparison.Ordinal));
        var copy = _columns.ToList();
        if (i >= 0)
        {
            copy[i] = column;
        }
        else
        {
            copy.Add(column);
        }

        return new DataSchema(copy);
    }

    /// <inheritdoc />
    public IEnumerator<SchemaColumn> GetEnumerator() => ((IEnumerable<SchemaColumn>)_columns).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", _columns.Select(c => c.ToString()));

    /// <summary>Whether two schemas have the same columns in the same order.</summary>
    /// <param name="other">The other schema.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool SameAs(DataSchema other) => other is not null && _columns.SequenceEqual(other._columns);
}

/// <summary>Thrown when a data set or schema lacks a required column or the column has the wrong kind or size.</summary>
public sealed class SchemaMismatchException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public SchemaMismatchException()
    {
        ColumnName = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public SchemaMismatchException(string message)
        : base(message)
    {
        ColumnName = string.Empty;
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SchemaMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
        ColumnName = string.Empty;
    }

    /// <summary>Creates the exception for a column.</summary>
    /// <param name="columnName">The offending column.</param>
    /// <param name="message">The message, which names the column.</param>
    public SchemaMismatchException(string columnName, string message)
        : base(message)
    {
        ColumnName = columnName;
    }

    /// <summary>The column that is missing or mis-shaped.</summary>
    public string ColumnName { get; }
}
