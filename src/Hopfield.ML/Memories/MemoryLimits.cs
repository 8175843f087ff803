using System.Globalization;

namespace Hopfield.ML.Memories;

/// <summary>
/// Size caps checked before large allocations: how many values one memory may store (patterns × dimension, also
/// the largest tensor a model file may load) and how many queries one batch call may carry. Exceeding a cap throws
/// an exception that names the cap, before anything is copied.
/// </summary>
/// <remarks>
/// <see cref="Default"/> applies process-wide; replace it at start-up to raise or lower the caps. The image decoders
/// have their own caps (<c>Hopfield.ML.Imaging.ImageLimits</c>).
/// </remarks>
public sealed record MemoryLimits
{
    private static MemoryLimits _default = new();

    /// <summary>The default cap on stored values: 2^30 (1,073,741,824 floats, 4 GiB before the memory's own copies).</summary>
    public const long DefaultMaxElements = 1L << 30;

    /// <summary>The default cap on queries per batch call: 2^24 (16,777,216).</summary>
    public const int DefaultMaxBatchSize = 1 << 24;

    /// <summary>Gets or sets the limits used by the memories and by model loading (process-wide).</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public static MemoryLimits Default
    {
        get => Volatile.Read(ref _default);
        set => Volatile.Write(ref _default, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Largest number of values (patterns × dimension) one memory stores, and the largest tensor a model file may hold.</summary>
    public long MaxElements { get; init; } = DefaultMaxElements;

    /// <summary>Largest number of queries in one batch call.</summary>
    public int MaxBatchSize { get; init; } = DefaultMaxBatchSize;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <see cref="MaxElements"/> when <paramref name="rows"/> × <paramref name="dimension"/> exceeds it.</summary>
    /// <param name="rows">Patterns.</param>
    /// <param name="dimension">Values per pattern.</param>
    /// <param name="paramName">The argument the rows came from.</param>
    public void CheckElements(long rows, long dimension, string paramName)
    {
        if (rows > 0 && dimension > 0 && (rows > MaxElements / dimension))
        {
            throw new ArgumentOutOfRangeException(paramName, string.Create(CultureInfo.InvariantCulture,
                $"{rows} patterns × {dimension} values exceed the limit of {MaxElements} stored values (MemoryLimits.MaxElements)."));
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <see cref="MaxBatchSize"/> when <paramref name="count"/> exceeds it.</summary>
    /// <param name="count">Queries in the batch.</param>
    /// <param name="paramName">The argument holding the count.</param>
    public void CheckBatch(long count, string paramName)
    {
        if (count > MaxBatchSize)
        {
            throw new ArgumentOutOfRangeException(paramName, count, string.Create(CultureInfo.InvariantCulture,
                $"A batch of {count} queries exceeds the limit of {MaxBatchSize} (MemoryLimits.MaxBatchSize)."));
        }
    }
}
