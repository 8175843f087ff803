namespace Hopfield.ML.Numerics;

/// <summary>A dense row-major single-precision matrix (rows × columns, row i at <c>Data[i * Columns]</c>).</summary>
internal sealed class FloatMatrix
{
    /// <summary>Creates a zero matrix.</summary>
    public FloatMatrix(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Rows = rows;
        Columns = columns;
        Data = new float[checked(rows * columns)];
    }

    /// <summary>Wraps an existing row-major array (not copied).</summary>
    public FloatMatrix(float[] data, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != checked(rows * columns))
        {
            throw new ArgumentException($"Data length {data.Length} does not equal rows × columns = {rows} × {columns}.", nameof(data));
        }

        Rows = rows;
        Columns = columns;
        Data = data;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>The row-major storage.</summary>
    public float[] Data { get; }

    /// <summary>Element (row, column).</summary>
    public float this[int row, int column]
    {
        get => Data[(row * Columns) + column];
        set => Data[(row * Columns) + column] = value;
    }

    /// <summary>Row <paramref name="row"/> as a span.</summary>
    public Span<float> Row(int row) => Data.AsSpan(row * Columns, Columns);

    /// <summary>Copies a row-major span into a new matrix.</summary>
    public static FloatMatrix CopyFrom(ReadOnlySpan<float> data, int rows, int columns)
    {
        var m = new FloatMatrix(rows, columns);
        data[..m.Data.Length].CopyTo(m.Data);
        return m;
    }
}
