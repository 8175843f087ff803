using System.Numerics.Tensors;
using Hopfield.ML.Memories.Common;
using Hopfield.ML.Numerics;

namespace Hopfield.ML.Memories.Universal;

/// <summary>
/// Universal Hopfield network (Millidge et al., 2022): retrieve(q) = V · separation(similarity(K, q)).
/// <para>
/// Keys K (count × keyDimension) are compared with the query; the separated scores mix the values
/// V (count × valueDimension). Without values the memory is auto-associative (V = K); with values it is
/// hetero-associative (key → value, dimensions may differ).
/// </para>
/// <para>Immutable and thread-safe after construction: any number of threads may retrieve at once.</para>
/// </summary>
public sealed unsafe class UniversalHopfieldMemory
{
    private readonly RetrievalEngine _engine;

    /// <summary>Creates a memory from row-major keys and optional row-major values.</summary>
    /// <param name="keys">count × keyDimension keys, row-major.</param>
    /// <param name="count">Number of stored patterns (≥ 1).</param>
    /// <param name="values">count × valueDimension values, row-major; empty for auto-association (V = K).</param>
    /// <param name="options">Similarity, separation and their parameters; null for the defaults (dot, softmax, β = 1).</param>
    /// <exception cref="ArgumentException">Lengths do not divide into <paramref name="count"/> rows, a value is NaN/infinite, or
    /// a value is so large that scores against it (L2 beyond about √(float.MaxValue / 16D), L1 beyond float.MaxValue / 16D)
    /// or a weighted sum of <paramref name="count"/> values would overflow float. Queries are checked likewise when
    /// retrieved (for dot products against the largest key).</exception>
    /// <exception cref="ArgumentOutOfRangeException">count &lt; 1, β ≤ 0 or non-finite, k out of range, degree &lt; 1, threads &lt; 0, or more values than <see cref="MemoryLimits.MaxElements"/>.</exception>
    public UniversalHopfieldMemory(ReadOnlySpan<float> keys, int count, ReadOnlySpan<float> values = default, UniversalHopfieldOptions? options = null)
        : this(keys, count, values, options, SimdCapabilities.Best)
    {
    }

    internal UniversalHopfieldMemory(ReadOnlySpan<float> keys, int count, ReadOnlySpan<float> values, UniversalHopfieldOptions? options, SimdLevel level)
    {
        options ??= new UniversalHopfieldOptions();
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The memory needs at least one stored pattern.");
        }

        if (keys.IsEmpty || keys.Length % count != 0)
        {
            throw new ArgumentException($"The key data length {keys.Length} is not a positive multiple of the pattern count {count}.", nameof(keys));
        }

        int keyDim = keys.Length / count;
        var limits = MemoryLimits.Default;
        limits.CheckElements(count, keyDim, nameof(keys));
        float maxKey = MemoryValidation.CheckFiniteMaxAbs(keys, keyDim, nameof(keys), "key");
        bool auto = values.IsEmpty;
        int valueDim = keyDim;
        float maxValue = maxKey;
        if (!auto)
        {
            if (values.Length % count != 0)
            {
                throw new ArgumentException($"The value data length {values.Length} is not a multiple of the pattern count {count}.", nameof(values));
            }

            valueDim = values.Length / count;
            limits.CheckElements(count, valueDim, nameof(values));
            maxValue = MemoryValidation.CheckFiniteMaxAbs(values, valueDim, nameof(values), "value");
        }

        ValidateOptions(options, count, keyDim);
        _queryLimit = CheckMagnitudes(keys, maxKey, auto ? keys : values, maxValue, count, keyDim, valueDim, options.Similarity);
        Options = options;
        _engine = new RetrievalEngine(keys, auto ? keys : values, count, keyDim, valueDim, options, level);
    }

    /// <summary>
    /// Bound under which scores and weighted sums of values stay (float's maximum / 16, room for the partial sums and a
    /// few operations on top).
    /// </summary>
    private const double FloatReach = float.MaxValue / 16.0;

    /// <summary>The largest |query value| whose scores stay finite against the stored keys.</summary>
    private readonly double _queryLimit;

    /// <summary>
    /// Throws, naming the key or value, when stored values are so large that their scores (for every query) or the
    /// weighted sum of values could leave float's range; returns the largest |query value| whose scores stay under
    /// <see cref="FloatReach"/>: D·max|q|·max|k| for dot products, D·(max|q| + max|k|)² for squared distances (the
    /// Euclidean score's intermediate), D·(max|q| + max|k|) for Manhattan; cosine normalises in double and has no limit.
    /// </summary>
    private static double CheckMagnitudes(ReadOnlySpan<float> keys, double maxKey, ReadOnlySpan<float> values, double maxValue, int count, int keyDim, int valueDim, SimilarityFunction similarity)
    {
        double limit = similarity switch
        {
            SimilarityFunction.Dot => maxKey == 0 ? double.PositiveInfinity : FloatReach / (keyDim * maxKey),
            SimilarityFunction.NegativeEuclidean => Math.Sqrt(FloatReach / keyDim) - maxKey,
            SimilarityFunction.NegativeManhattan => (FloatReach / keyDim) - maxKey,
            _ => double.PositiveInfinity,
        };
        if (!(limit > 0))
        {
            int keyAt = TensorPrimitives.IndexOfMaxMagnitude(keys);
            throw new ArgumentException(
                $"Key {keyAt / keyDim} has a value of {keys[keyAt]:G4} at element {keyAt % keyDim}: with dimension {keyDim}, {similarity} " +
                $"scores against keys this large overflow float (values must stay below {(similarity == SimilarityFunction.NegativeEuclidean ? Math.Sqrt(FloatReach / keyDim) : FloatReach / keyDim):G3}). Scale the keys down.",
                nameof(keys));
        }

        if (maxValue * count > FloatReach)
        {
            int valueAt = TensorPrimitives.IndexOfMaxMagnitude(values);
            bool auto = values == keys;
            throw new ArgumentException(
                $"{(auto ? "Key" : "Value")} {valueAt / valueDim} has a value of {values[valueAt]:G4} at element {valueAt % valueDim}: a weighted sum of {count} stored " +
                $"{(auto ? "keys (auto-association: they are also the values)" : "values")} this large can overflow float (values must stay below {FloatReach / count:G3}). " +
                $"Scale the {(auto ? "keys" : "values")} down.",
                auto ? nameof(keys) : nameof(values));
        }

        return limit;
    }

    /// <summary>Number of stored patterns.</summary>
    public int Count => _engine.Count;

    /// <summary>Dimension of keys and queries.</summary>
    public int KeyDimension => _engine.KeyDimension;

    /// <summary>Dimension of values and retrieved outputs.</summary>
    public int ValueDimension => _engine.ValueDimension;

    /// <summary>The settings this memory was built with.</summary>
    public UniversalHopfieldOptions Options { get; }

    internal RetrievalEngine Engine => _engine;

    /// <summary>Creates a memory from key rows and optional value rows (jagged arrays, all rows the same length).</summary>
    /// <param name="keys">The key rows.</param>
    /// <param name="values">The value rows (one per key) or null for auto-association.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <returns>The memory.</returns>
    public static UniversalHopfieldMemory FromRows(float[][] keys, float[][]? values = null, UniversalHopfieldOptions? options = null)
    {
        float[] k = MemoryValidation.Flatten(keys, nameof(keys), "key", out _);
        float[] v = [];
        if (values is not null)
        {
            if (values.Length != keys.Length)
            {
                throw new ArgumentException($"There are {keys.Length} keys but {values.Length} values; they must pair up.", nameof(values));
            }

            v = MemoryValidation.Flatten(values, nameof(values), "value", out _);
        }

        return new UniversalHopfieldMemory(k, keys.Length, v, options);
    }

    /// <summary>Stored key <paramref name="index"/> (a copy).</summary>
    /// <param name="index">Pattern index.</param>
    /// <returns>The key.</returns>
    public float[] GetKey(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _engine.Key(index);
    }

    /// <summary>Stored value <paramref name="index"/> (a copy).</summary>
    /// <param name="index">Pattern index.</param>
    /// <returns>The value.</returns>
    public float[] GetValue(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _engine.Value(index);
    }

    /// <summary>Retrieves the output for one query (fused path; the score row is never materialised).</summary>
    /// <param name="query">keyDimension values.</param>
    /// <param name="output">Receives valueDimension values.</param>
    public void Retrieve(ReadOnlySpan<float> query, Span<float> output) => RetrieveBatch(query, 1, output);

    /// <summary>Retrieves one query and also writes the attention weights (the separated scores, one per stored pattern).</summary>
    /// <param name="query">keyDimension values.</param>
    /// <param name="output">Receives valueDimension values.</param>
    /// <param name="attention">Receives Count weights.</param>
    public void Retrieve(ReadOnlySpan<float> query, Span<float> output, Span<float> attention) => RetrieveBatch(query, 1, output, attention);

    /// <summary>Retrieves one query into a new array.</summary>
    /// <param name="query">keyDimension values.</param>
    /// <returns>valueDimension values.</returns>
    public float[] Retrieve(ReadOnlySpan<float> query)
    {
        var output = new float[ValueDimension];
        Retrieve(query, output);
        return output;
    }

    /// <summary>Retrieves many queries (row-major, count × keyDimension) into count × valueDimension outputs, in parallel.</summary>
    /// <param name="queries">Row-major queries.</param>
    /// <param name="count">Number of queries.</param>
    /// <param name="outputs">Receives the row-major outputs.</param>
    public void RetrieveBatch(ReadOnlySpan<float> queries, int count, Span<float> outputs)
    {
        CheckQueries(queries, count);
        MemoryValidation.CheckLength(outputs.Length, (long)count * ValueDimension, nameof(outputs), $"count × valueDimension = {count} × {ValueDimension}");
        fixed (float* q = queries, o = outputs)
        {
            _engine.Run(RetrievalEngine.Mode.Fused, q, count, o, null, null, null, Options.Threads);
        }
    }

    /// <summary>Retrieves many queries and writes their attention weights (count × Count, row-major).</summary>
    /// <param name="queries">Row-major queries.</param>
    /// <param name="count">Number of queries.</param>
    /// <param name="outputs">Receives the row-major outputs.</param>
    /// <param name="attention">Receives the row-major attention weights.</param>
    public void RetrieveBatch(ReadOnlySpan<float> queries, int count, Span<float> outputs, Span<float> attention)
    {
        CheckQueries(queries, count);
        MemoryValidation.CheckLength(outputs.Length, (long)count * ValueDimension, nameof(outputs), $"count × valueDimension = {count} × {ValueDimension}");
        MemoryValidation.CheckLength(attention.Length, (long)count * Count, nameof(attention), $"count × patterns = {count} × {Count}");
        fixed (float* q = queries, o = outputs, a = attention)
        {
            _engine.Run(RetrievalEngine.Mode.Naive, q, count, o, a, null, null, Options.Threads);
        }
    }

    /// <summary>Raw similarity of one query with every stored key (before separation).</summary>
    /// <param name="query">keyDimension values.</param>
    /// <param name="scores">Receives Count scores.</param>
    public void Similarities(ReadOnlySpan<float> query, Span<float> scores)
    {
        CheckQueries(query, 1);
        MemoryValidation.CheckLength(scores.Length, Count, nameof(scores), "the pattern count");
        fixed (float* q = query, a = scores)
        {
            _engine.Run(RetrievalEngine.Mode.Scores, q, 1, null, a, null, null, 1);
        }
    }

    /// <summary>Index of the stored key most similar to the query (ties: the lowest index).</summary>
    /// <param name="query">keyDimension values.</param>
    /// <returns>The index.</returns>
    public int Nearest(ReadOnlySpan<float> query)
    {
        Span<int> index = stackalloc int[1];
        NearestBatch(query, 1, index);
        return index[0];
    }

    /// <summary>Index of the most similar stored key for each of many queries.</summary>
    /// <param name="queries">Row-major queries.</param>
    /// <param name="count">Number of queries.</param>
    /// <param name="indices">Receives count indices.</param>
    public void NearestBatch(ReadOnlySpan<float> queries, int count, Span<int> indices)
    {
        CheckQueries(queries, count);
        MemoryValidation.CheckLength(indices.Length, count, nameof(indices), "the query count");
        fixed (float* q = queries)
        fixed (int* ix = indices)
        {
            _engine.Run(RetrievalEngine.Mode.Nearest, q, count, null, null, null, ix, Options.Threads);
        }
    }

    internal void CheckQueries(ReadOnlySpan<float> queries, int count)
    {
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The query count cannot be negative.");
        }

        MemoryLimits.Default.CheckBatch(count, nameof(count));

        if (queries.Length != (long)count * KeyDimension)
        {
            throw new ArgumentException(
                count == 1
                    ? $"The query has dimension {queries.Length}; this memory's keys have dimension {KeyDimension}."
                    : $"Expected {count} queries × {KeyDimension} = {(long)count * KeyDimension} values, got {queries.Length}.",
                nameof(queries));
        }

        float largest = MemoryValidation.CheckFiniteMaxAbs(queries, KeyDimension, nameof(queries), "query");
        if (largest > _queryLimit)
        {
            int at = TensorPrimitives.IndexOfMaxMagnitude(queries);
            throw new ArgumentException(
                $"{(count == 1 ? "The query" : $"Query {at / KeyDimension}")} has a value of {queries[at]:G4} at element {at % KeyDimension}: " +
                $"its {Options.Similarity} scores against these keys (dimension {KeyDimension}) would overflow float; query values must stay below " +
                $"{_queryLimit:G3}. Scale the queries (and keys) down.",
                nameof(queries));
        }
    }

    private static void ValidateOptions(UniversalHopfieldOptions options, int count, int keyDim)
    {
        if (!Enum.IsDefined(options.Similarity))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Similarity, "Unknown similarity function.");
        }

        if (!Enum.IsDefined(options.Separation))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Separation, "Unknown separation function.");
        }

        if (!float.IsFinite(options.Beta) || options.Beta <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Beta, "Beta (inverse temperature) must be a finite number greater than 0.");
        }

        if (options.Separation == SeparationFunction.TopKSoftmax && (options.TopK < 1 || options.TopK > count))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TopK, $"TopK must be between 1 and the number of stored patterns ({count}).");
        }

        if (options.Degree < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Degree, "The polynomial degree must be at least 1.");
        }

        if (!Enum.IsDefined(options.Storage))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Storage, "Unknown storage precision.");
        }

        if (!(options.SparseTolerance >= 0 && options.SparseTolerance < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SparseTolerance, "SparseTolerance must be at least 0 and below 1 (0 = dense projection).");
        }

        if (options.Screening)
        {
            string? why = options.SparseTolerance <= 0 ? "a SparseTolerance above 0 (the total weight it may leave out)"
                : options.Separation != SeparationFunction.Softmax ? $"softmax separation, not {options.Separation}"
                : options.Similarity is not (SimilarityFunction.Dot or SimilarityFunction.Cosine or SimilarityFunction.NegativeEuclidean) ? $"dot, cosine or negative Euclidean similarity, not {options.Similarity}"
                : keyDim > Int8Gemm.MaxDimension ? $"a key dimension of at most {Int8Gemm.MaxDimension}, not {keyDim}"
                : Int8Gemm.PackedLength(count, keyDim) > Array.MaxLength ? $"its 8-bit key copy to fit one array; {count} × {keyDim} keys need {Int8Gemm.PackedLength(count, keyDim)} bytes"
                : null;
            if (why is not null)
            {
                throw new ArgumentException($"Screening needs {why}.", nameof(options));
            }
        }

        if (options.Threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "Threads must be 0 (all processors) or positive.");
        }

        if (options.Separation == SeparationFunction.Polynomial
            && options.Similarity is SimilarityFunction.NegativeEuclidean or SimilarityFunction.NegativeManhattan)
        {
            throw new ArgumentException(
                $"Polynomial separation uses relu(s)^n and needs a similarity that can be positive; {options.Similarity} is never positive. Use Dot or Cosine.",
                nameof(options));
        }
    }
}
