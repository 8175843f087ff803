using System.Globalization;

namespace Hopfield.ML.Onnx.Runtime;

/// <summary>A dense float tensor: a shape and its row-major data.</summary>
public sealed class OnnxTensor
{
    private readonly long[] _shape;

    /// <summary>Initializes a new tensor over existing data (not copied).</summary>
    /// <param name="data">The row-major values; its length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The dimensions, each zero or positive.</param>
    /// <exception cref="ArgumentException">A dimension is negative, or the data length does not match the shape.</exception>
    public OnnxTensor(ReadOnlyMemory<float> data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        _shape = (long[])shape.Clone();
        long count = ElementCount(_shape, nameof(shape));
        if (count != data.Length)
        {
            throw new ArgumentException(
                $"The data has {data.Length} values but shape {FormatShape(_shape)} needs {count}.", nameof(data));
        }

        Data = data;
    }

    /// <summary>Gets the dimensions.</summary>
    public IReadOnlyList<long> Shape => Array.AsReadOnly(_shape);

    /// <summary>Gets the row-major values.</summary>
    public ReadOnlyMemory<float> Data { get; }

    /// <summary>Gets the values as a span.</summary>
    public ReadOnlySpan<float> Span => Data.Span;

    internal ReadOnlySpan<long> ShapeSpan => _shape;

    /// <summary>Copies the values into a new array.</summary>
    /// <returns>The values.</returns>
    public float[] ToArray() => Data.ToArray();

    /// <inheritdoc/>
    public override string ToString() => $"Float{FormatShape(_shape)}";

    internal static long ElementCount(ReadOnlySpan<long> shape, string parameterName)
    {
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw new ArgumentException($"Dimension {i} is {shape[i]}; dimensions must be zero or positive.", parameterName);
            }

            count = checked(count * shape[i]);
        }

        return count;
    }

    internal static string FormatShape(IEnumerable<long> shape) =>
        "[" + string.Join(", ", shape.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture))) + "]";
}
