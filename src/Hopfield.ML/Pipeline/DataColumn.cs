using System.Globalization;

namespace Hopfield.ML.Pipeline;

/// <summary>
/// One named column of a <see cref="DataSet"/>. Float vectors are held contiguously, row-major
/// (<c>RowCount × VectorSize</c> floats in one array). Immutable: the public factories copy their input.
/// </summary>
public sealed class DataColumn
{
    private readonly float[]? _floats;
    private readonly int[]? _keys;
    private readonly string[]? _texts;

    private DataColumn(SchemaColumn schema, int rowCount, float[]? floats, int[]? keys, string[]? texts)
    {
        Schema = schema;
        RowCount = rowCount;
        _floats = floats;
        _keys = keys;
        _texts = texts;
    }

    /// <summary>The column's name, kind and shape.</summary>
    public SchemaColumn Schema { get; }

    /// <summary>The column name.</summary>
    public string Name => Schema.Name;

    /// <summary>The kind of values.</summary>
    public ColumnKind Kind => Schema.Kind;

    /// <summary>Floats per row (1 for non-vector kinds).</summary>
    public int VectorSize => Schema.VectorSize;

    /// <summary>The number of rows.</summary>
    public int RowCount { get; }

    /// <summary>Creates a float vector column from row-major values (copied).</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">Row-major values, <c>rows × vectorSize</c> long.</param>
    /// <param name="vectorSize">The vector size (≥ 1).</param>
    /// <returns>The column.</returns>
    public static DataColumn Vector(string name, ReadOnlySpan<float> values, int vectorSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vectorSize, 1);
        if (values.Length % vectorSize != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Column '{name}': {values.Length} values is not a multiple of the vector size {vectorSize}."), nameof(values));
        }

        return CreateVector(name, values.ToArray(), vectorSize);
    }

    /// <summary>Creates a scalar float column (copied).</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">One value per row.</param>
    /// <returns>The column.</returns>
    public static DataColumn Scalar(string name, ReadOnlySpan<float> values) => CreateScalar(name, values.ToArray());

    /// <summary>Creates a key (category index) column (copied). Values must lie in [0, keyCount) when keyCount &gt; 0, and be ≥ 0.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">One zero-based key per row.</param>
    /// <param name="keyCount">The number of categories, or 0 to infer it as max + 1.</param>
    /// <returns>The column.</returns>
    public static DataColumn Key(string name, ReadOnlySpan<int> values, int keyCount = 0) => CreateKey(name, values.ToArray(), keyCount);

    /// <summary>Creates a text column (copied).</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">One string per row.</param>
    /// <returns>The column.</returns>
    public static DataColumn Text(string name, ReadOnlySpan<string> values) => CreateText(name, values.ToArray());

    internal static DataColumn CreateVector(string name, float[] owned, int vectorSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new DataColumn(new SchemaColumn(name, ColumnKind.Vector, vectorSize), owned.Length / vectorSize, owned, null, null);
    }

    internal static DataColumn CreateScalar(string name, float[] owned)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new DataColumn(new SchemaColumn(name, ColumnKind.Scalar), owned.Length, owned, null, null);
    }

    internal static DataColumn CreateKey(string name, int[] owned, int keyCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(keyCount);
        int max = -1;
        for (int i = 0; i < owned.Length; i++)
        {
            int v = owned[i];
            if (v < 0 || (keyCount > 0 && v >= keyCount))
            {
                throw new ArgumentOutOfRangeException(nameof(owned), v, string.Create(CultureInfo.InvariantCulture,
                    $"Key column '{name}' row {i}: value {v} is outside [0, {(keyCount > 0 ? keyCount : int.MaxValue)})."));
            }

            max = Math.Max(max, v);
        }

        return new DataColumn(new SchemaColumn(name, ColumnKind.Key, 1, keyCount > 0 ? keyCount : max + 1), owned.Length, null, owned, null);
    }

    internal static DataColumn CreateText(string name, string[] owned)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new DataColumn(new SchemaColumn(name, ColumnKind.Text), owned.Length, null, null, owned);
    }

    /// <summary>All float values, row-major (vector and scalar columns).</summary>
    /// <returns>A read-only view of the values.</returns>
    public ReadOnlySpan<float> GetFloats() => _floats ?? throw WrongKind("float");

    /// <summary>The vector of one row (vector and scalar columns).</summary>
    /// <param name="row">The row index.</param>
    /// <returns>The row's values.</returns>
    public ReadOnlySpan<float> GetVector(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);
        return GetFloats().Slice(row * VectorSize, VectorSize);
    }

    /// <summary>All keys (key columns).</summary>
    /// <returns>A read-only view of the keys.</returns>
    public ReadOnlySpan<int> GetKeys() => _keys ?? throw WrongKind("key");

    /// <summary>All strings (text columns).</summary>
    /// <returns>A read-only view of the strings.</returns>
    public ReadOnlySpan<string> GetTexts() => _texts ?? throw WrongKind("text");

    internal float[] FloatArray => _floats ?? throw WrongKind("float");

    /// <summary>Returns a copy of this column with another name (the data is shared; it is immutable).</summary>
    /// <param name="name">The new name.</param>
    /// <returns>The renamed column.</returns>
    public DataColumn WithName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new DataColumn(Schema with { Name = name }, RowCount, _floats, _keys, _texts);
    }

    /// <summary>Selects rows by index (in the given order, repeats allowed).</summary>
    /// <param name="rows">Row indices.</param>
    /// <returns>A new column.</returns>
    internal DataColumn SelectRows(ReadOnlySpan<int> rows)
    {
        int d = VectorSize;
        switch (Kind)
        {
            case ColumnKind.Vector:
            case ColumnKind.Scalar:
            {
                var src = _floats!;
                var dst = new float[rows.Length * d];
                for (int i = 0; i < rows.Length; i++)
                {
                    Array.Copy(src, (long)rows[i] * d, dst, (long)i * d, d);
                }

                return new DataColumn(Schema, rows.Length, dst, null, null);
            }

            case ColumnKind.Key:
            {
                var dst = new int[rows.Length];
                for (int i = 0; i < rows.Length; i++)
                {
                    dst[i] = _keys![rows[i]];
                }

                return new DataColumn(Schema, rows.Length, null, dst, null);
            }

            default:
            {
                var dst = new string[rows.Length];
                for (int i = 0; i < rows.Length; i++)
                {
                    dst[i] = _texts![rows[i]];
                }

                return new DataColumn(Schema, rows.Length, null, null, dst);
            }
        }
    }

    private InvalidOperationException WrongKind(string wanted) =>
        new($"Column '{Name}' is {Schema.TypeDescription}; it has no {wanted} values.");

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Schema} [{RowCount} rows]");
}
