namespace Hopfield.ML.Numerics;

/// <summary>
/// A growable set of bipolar patterns of one length, stored bit-packed, row-major (one row of
/// <see cref="WordsPerPattern"/> words per pattern). The storage behind the Hebbian and dense binary memories.
/// </summary>
internal sealed class PackedPatterns
{
    private ulong[] _data;

    public PackedPatterns(int neurons)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(neurons);
        Neurons = neurons;
        WordsPerPattern = BitPacking.WordCount(neurons);
        _data = [];
    }

    private PackedPatterns(PackedPatterns other)
    {
        Neurons = other.Neurons;
        WordsPerPattern = other.WordsPerPattern;
        Count = other.Count;
        _data = other.Data.ToArray();
    }

    /// <summary>Length of every pattern.</summary>
    public int Neurons { get; }

    /// <summary>64-bit words per pattern.</summary>
    public int WordsPerPattern { get; }

    /// <summary>Number of stored patterns.</summary>
    public int Count { get; private set; }

    /// <summary>The backing array (at least <c>Count × WordsPerPattern</c> words; the rest is spare capacity).</summary>
    public ulong[] RawData => _data;

    /// <summary>All stored words, pattern after pattern.</summary>
    public ReadOnlySpan<ulong> Data => _data.AsSpan(0, Count * WordsPerPattern);

    /// <summary>The packed words of pattern <paramref name="index"/>.</summary>
    public ReadOnlySpan<ulong> Row(int index) => _data.AsSpan(index * WordsPerPattern, WordsPerPattern);

    /// <summary>Appends a pattern (values are assumed already validated as ±1).</summary>
    public void Add(ReadOnlySpan<sbyte> pattern)
    {
        long needed = (long)(Count + 1) * WordsPerPattern;
        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException(
                $"Cannot store pattern #{Count + 1} of {Neurons} neurons: the packed store would exceed {Array.MaxLength} words.");
        }

        if (needed > _data.Length)
        {
            long grown = Math.Max(needed, Math.Max(4L * WordsPerPattern, 2L * _data.Length));
            Array.Resize(ref _data, (int)Math.Min(grown, Array.MaxLength));
        }

        BitPacking.Pack(pattern, _data.AsSpan(Count * WordsPerPattern, WordsPerPattern));
        Count++;
    }

    /// <summary>Forgets all patterns after the first <paramref name="count"/>.</summary>
    public void Truncate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        Count = count;
    }

    /// <summary>Value (±1) of neuron <paramref name="neuron"/> in pattern <paramref name="index"/>.</summary>
    public int Get(int index, int neuron) =>
        ((_data[(index * WordsPerPattern) + (neuron >> 6)] >> (neuron & 63)) & 1UL) != 0 ? 1 : -1;

    /// <summary>Unpacks pattern <paramref name="index"/> into ±1 values.</summary>
    public sbyte[] Unpack(int index)
    {
        var result = new sbyte[Neurons];
        BitPacking.Unpack(Row(index), result);
        return result;
    }

    /// <summary>Overlaps m_μ = ξ_μ·s = N − 2·popcount(ξ_μ xor s) for every stored pattern.</summary>
    public void Overlaps(ReadOnlySpan<ulong> packedState, Span<int> overlaps)
    {
        if (packedState.Length != WordsPerPattern)
        {
            throw new ArgumentException($"Packed state has {packedState.Length} words; expected {WordsPerPattern}.", nameof(packedState));
        }

        for (int mu = 0; mu < Count; mu++)
        {
            overlaps[mu] = Neurons - (2 * BitPacking.HammingDistance(Row(mu), packedState));
        }
    }

    /// <summary>
    /// The words in neuron-block-major order, <c>t[w·Count + μ] = word w of pattern μ</c>, so that the bits of one neuron
    /// across all patterns are contiguous (for asynchronous single-neuron updates).
    /// </summary>
    public ulong[] Transpose()
    {
        int p = Count;
        int words = WordsPerPattern;
        var t = new ulong[(long)p * words];
        for (int mu = 0; mu < p; mu++)
        {
            var row = Row(mu);
            for (int w = 0; w < words; w++)
            {
                t[((long)w * p) + mu] = row[w];
            }
        }

        return t;
    }

    /// <summary>A deep copy.</summary>
    public PackedPatterns Clone() => new(this);
}
