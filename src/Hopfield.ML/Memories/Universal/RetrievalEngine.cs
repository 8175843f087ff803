using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Hopfield.ML.Numerics;

namespace Hopfield.ML.Memories.Universal;

/// <summary>
/// The computational core shared by <see cref="UniversalHopfieldMemory"/> and the modern network:
/// retrieve(q) = V · separation(similarity(K, q)).
/// <para>
/// The default (fused) path walks the stored keys in tiles of <see cref="KeyTile"/>: a score tile for a block
/// of up to <see cref="MaxQueryBlock"/> queries (<see cref="BlockRows"/>) is computed with the packed GEMM micro-kernel, turned into weights with an
/// online softmax (running max, running sum, accumulator rescaled when the max grows) and immediately projected
/// onto the matching value rows. Peak working memory is block × (KeyTile + valueDim) floats per worker (plus
/// KeyTile × (keyDim + valueDim) decoded floats with bfloat16 storage), independent of the number of stored patterns;
/// worker buffers are pooled, so a batch allocates nothing once the engine is warm. Max and top-k keep a k-entry heap
/// per query instead. With a sparse tolerance, tiles whose weights are nearly all negligible are projected row by row.
/// </para>
/// <para>
/// The naive path materialises the full score row (it is what the caller asked for when it wants the attention
/// weights) and applies the separation to the whole row; tests use it as the reference for the fused path.
/// </para>
/// </summary>
internal sealed unsafe class RetrievalEngine
{
    /// <summary>Fewest queries a block is allowed to hold when the batch is large (the size used before blocks grew).</summary>
    public const int MinQueryBlock = 126;

    /// <summary>Most queries per block.</summary>
    public const int MaxQueryBlock = 504;

    /// <summary>Per-worker scratch budget that bounds the block size for wide rows (bytes).</summary>
    private const long ScratchBudget = 4L << 20;

    /// <summary>Keys per tile (a multiple of <see cref="Gemm.PanelWidth"/>).</summary>
    public const int KeyTile = 128;

    private readonly System.Collections.Concurrent.ConcurrentBag<Scratch> _scratchPool = [];
    private readonly float[]? _keys;
    private readonly float[]? _packed;
    private readonly float[]? _values;
    private readonly ushort[]? _keysH;
    private readonly ushort[]? _packedH;
    private readonly ushort[]? _valuesH;
    private readonly float* _pPacked;
    private readonly float* _pValues;
    private readonly ushort* _pPackedH;
    private readonly ushort* _pValuesH;
    private readonly KeyScreen? _screen;
    private readonly float[]? _screenRows;
    private readonly float _screenCut;
    private readonly bool _screenRowsAreValues;
    private readonly int _screenSlots;

    /// <summary>Entries of a query's candidate list: its slots and room for one more tile (checked before each tile).</summary>
    private int ScreenStride => _screenSlots + KeyTile;
    private long _screenedQueries;
    private long _screenFallbacks;
    private long _screenExact;

    /// <summary>Creates the engine. Arrays are copied into pinned storage; inputs must already be validated.</summary>
    public RetrievalEngine(ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int count, int keyDim, int valueDim, UniversalHopfieldOptions options, SimdLevel level)
    {
        Count = count;
        KeyDimension = keyDim;
        ValueDimension = valueDim;
        Similarity = options.Similarity;
        Separation = options.Separation;
        Beta = options.Beta;
        TopK = options.TopK;
        Degree = options.Degree;
        Threads = options.Threads;
        SparseTolerance = options.SparseTolerance;
        Level = level;

        Storage = options.Storage;

        // Every similarity runs on keys packed into 16-key panels (dot and cosine through the GEMM micro-kernel,
        // L1 and L2 through the distance micro-kernels of the same shape). Values are stored tile by tile in
        // 32-column slices, the layout the projection reads (Gemm.SliceTiles). The packed keys are exact copies except
        // for cosine, whose panels hold normalised keys; only then is a row-major copy of the keys kept for Key(i).
        float[] source = keys.ToArray();
        bool keepRows = Similarity == SimilarityFunction.Cosine;
        if (keepRows)
        {
            for (int r = 0; r < count; r++)
            {
                VectorKernels.NormalizeL2(keys.Slice(r * keyDim, keyDim), source.AsSpan(r * keyDim, keyDim));
            }
        }

        if (options.Screening && count >= ScreenMinimumCount)
        {
            // The bounds must hold for the keys the exact scores use: bfloat16-rounded ones with bfloat16 storage.
            ReadOnlySpan<float> screened = source;
            if (Storage == MemoryStorage.BFloat16)
            {
                var rounded = new float[source.Length];
                for (int i = 0; i < rounded.Length; i++)
                {
                    rounded[i] = BFloat16.ToSingle(BFloat16.FromSingle(source[i]));
                }

                screened = rounded;
            }

            _screen = new KeyScreen(screened, count, keyDim, distances: Similarity == SimilarityFunction.NegativeEuclidean);

            // Candidates are scattered: a row-major copy gives each exact score one contiguous 4·D-byte read
            // (a packed panel would cost 16 times the traffic per key).
            _screenRows = screened.ToArray();
            _screenCut = MathF.Log(2 * count / options.SparseTolerance) / Beta;

            // A query with more candidates than a quarter of the keys (a flat softmax) is cheaper on the fused path: it
            // overflows early, and once every query of a block has, the block stops its 8-bit pass.
            _screenSlots = Math.Min(ScreenCapacity - KeyTile, Math.Max(KeyTile, count / 4));

            // Auto-association (values = keys, scores on the raw keys): the row copy holds the value rows too, contiguous,
            // so the candidates' values are read from the rows their exact scores just brought into cache.
            _screenRowsAreValues = (Similarity is SimilarityFunction.Dot or SimilarityFunction.NegativeEuclidean) && valueDim == keyDim &&
                MemoryMarshal.Cast<float, int>(keys).SequenceEqual(MemoryMarshal.Cast<float, int>(values));
        }

        int packedLength = Gemm.PackedLength(count, keyDim);
        if (Storage == MemoryStorage.BFloat16)
        {
            _keysH = keepRows ? Encode(keys) : null;
            var sliced = new float[values.Length];
            Gemm.SliceTiles(values, count, valueDim, KeyTile, sliced);
            _valuesH = Encode(sliced);
            var packed = new float[packedLength];
            Gemm.Pack(source, count, keyDim, packed);
            _packedH = Encode(packed);
            _pPackedH = (ushort*)Unsafe.AsPointer(ref _packedH[0]);
            _pValuesH = (ushort*)Unsafe.AsPointer(ref _valuesH[0]);
            return;
        }

        if (keepRows)
        {
            _keys = GC.AllocateUninitializedArray<float>(keys.Length, pinned: true);
            keys.CopyTo(_keys);
        }

        _values = GC.AllocateUninitializedArray<float>(Math.Max(1, values.Length), pinned: true);
        Gemm.SliceTiles(values, count, valueDim, KeyTile, _values);
        _pValues = (float*)Unsafe.AsPointer(ref _values[0]);
        _packed = GC.AllocateUninitializedArray<float>(Math.Max(1, packedLength), pinned: true);
        Gemm.Pack(source, count, keyDim, _packed);
        _pPacked = (float*)Unsafe.AsPointer(ref _packed[0]);
    }

    /// <summary>What a run computes.</summary>
    public enum Mode
    {
        /// <summary>Fused online path (or heap selection for max / top-k).</summary>
        Fused,

        /// <summary>Full score rows, separation on whole rows; fills the attention buffer.</summary>
        Naive,

        /// <summary>Raw similarity scores into the attention buffer; no output.</summary>
        Scores,

        /// <summary>Index of the most similar key into the index buffer; no output.</summary>
        Nearest,
    }

    /// <summary>Stored pairs.</summary>
    public int Count { get; }

    /// <summary>Key dimension.</summary>
    public int KeyDimension { get; }

    /// <summary>Value dimension.</summary>
    public int ValueDimension { get; }

    /// <summary>Similarity.</summary>
    public SimilarityFunction Similarity { get; }

    /// <summary>Separation.</summary>
    public SeparationFunction Separation { get; }

    /// <summary>Inverse temperature.</summary>
    public float Beta { get; }

    /// <summary>k of top-k.</summary>
    public int TopK { get; }

    /// <summary>Polynomial degree.</summary>
    public int Degree { get; }

    /// <summary>Thread setting (0 = all).</summary>
    public int Threads { get; }

    /// <summary>Relative weight below which the fused path skips a value row (0 = dense).</summary>
    public float SparseTolerance { get; }

    /// <summary>Vector width used.</summary>
    public SimdLevel Level { get; }

    /// <summary>Whether softmax retrievals are screened with the 8-bit key copy (asked for, and at least <see cref="ScreenMinimumCount"/> keys).</summary>
    public bool Screening => _screen is not null;

    /// <summary>
    /// Screening counters since construction: queries screened, those that fell back to the fused path (too many
    /// candidates), and exact scores computed for the others (dense would compute Count per query).
    /// </summary>
    public (long Queries, long Fallbacks, long ExactScores) ScreenStatistics =>
        (Interlocked.Read(ref _screenedQueries), Interlocked.Read(ref _screenFallbacks), Interlocked.Read(ref _screenExact));

    /// <summary>Precision of the stored keys and values.</summary>
    public MemoryStorage Storage { get; }

    /// <summary>Key row <paramref name="i"/> as stored (not normalised), as a new array.</summary>
    public float[] Key(int i)
    {
        var x = new float[KeyDimension];
        if (_keys is not null)
        {
            _keys.AsSpan(i * KeyDimension, KeyDimension).CopyTo(x);
            return x;
        }

        if (_keysH is not null)
        {
            for (int d = 0; d < x.Length; d++)
            {
                x[d] = BFloat16.ToSingle(_keysH[(i * KeyDimension) + d]);
            }

            return x;
        }

        // Panel layout: key i, column d at panel (i / 16), offset d·16 + i % 16.
        long panel = ((long)(i / Gemm.PanelWidth) * KeyDimension * Gemm.PanelWidth) + (i % Gemm.PanelWidth);
        for (int d = 0; d < x.Length; d++)
        {
            long at = panel + ((long)d * Gemm.PanelWidth);
            x[d] = _packed is not null ? _packed[at] : BFloat16.ToSingle(_packedH![at]);
        }

        return x;
    }

    /// <summary>Value row <paramref name="i"/>, as a new array.</summary>
    public float[] Value(int i)
    {
        var x = new float[ValueDimension];
        CopyValue(i, x);
        return x;
    }

    /// <summary>Copies value row <paramref name="i"/> into <paramref name="destination"/> (ValueDimension long), one slice run at a time.</summary>
    public void CopyValue(int i, Span<float> destination)
    {
        int keyStart = i - (i % KeyTile), t = i - keyStart, kc = Math.Min(KeyTile, Count - keyStart), vd = ValueDimension;
        fixed (float* dst = destination)
        {
            for (int j = 0; j < vd; j += Gemm.ValueSlice)
            {
                int w = Math.Min(Gemm.ValueSlice, vd - j);
                nint at = ((nint)keyStart * vd) + ((nint)j * kc) + ((nint)t * w);
                if (_pValues != null)
                {
                    new ReadOnlySpan<float>(_pValues + at, w).CopyTo(destination.Slice(j, w));
                }
                else
                {
                    BFloat16.ToSingle(Level, _pValuesH + at, dst + j, w);
                }
            }
        }
    }

    /// <summary>destination += weight · value row <paramref name="i"/> (one FMA per element).</summary>
    public void AddValue(int i, float weight, Span<float> destination, Span<float> buffer)
    {
        CopyValue(i, buffer);
        fixed (float* x = buffer, y = destination)
        {
            RowKernels.Axpy(Level, weight, x, y, ValueDimension);
        }
    }

    private static ushort[] Encode(ReadOnlySpan<float> source)
    {
        var h = GC.AllocateUninitializedArray<ushort>(Math.Max(1, source.Length), pinned: true);
        BFloat16.FromSingle(source, h);
        return h;
    }

    /// <summary>Packed key panels of the tile starting at <paramref name="keyStart"/> (decoded into scratch for bfloat16).</summary>
    private float* TileKeys(int keyStart, int kc, Scratch s)
    {
        nint offset = (nint)(keyStart / Gemm.PanelWidth) * KeyDimension * Gemm.PanelWidth;
        if (_pPackedH == null)
        {
            return _pPacked + offset;
        }

        fixed (float* dst = s.KeyTileBuffer)
        {
            BFloat16.ToSingle(Level, _pPackedH + offset, dst, (nint)Gemm.PanelCount(kc) * Gemm.PanelWidth * KeyDimension);
            return dst; // pinned: the scratch arrays are allocated on the pinned heap
        }
    }

    /// <summary>The sliced value tile of rows keyStart .. keyStart + kc (decoded into scratch for bfloat16).</summary>
    private float* TileValues(int keyStart, int kc, Scratch s)
    {
        nint offset = (nint)keyStart * ValueDimension;
        if (_pValuesH == null)
        {
            return _pValues + offset;
        }

        fixed (float* dst = s.ValueTileBuffer)
        {
            BFloat16.ToSingle(Level, _pValuesH + offset, dst, (nint)kc * ValueDimension);
            return dst;
        }
    }

    /// <summary>
    /// Runs <paramref name="n"/> queries. <paramref name="outputs"/> (n × valueDim) is needed for Fused/Naive,
    /// <paramref name="attention"/> (n × count) for Naive/Scores, <paramref name="lse"/> (n, optional, softmax only)
    /// receives (1/β)·log Σ exp(β sᵢ), <paramref name="nearest"/> (n) for Nearest.
    /// </summary>
    public void Run(Mode mode, float* queries, int n, float* outputs, float* attention, float* lse, int* nearest, int threads)
    {
        nint q = (nint)queries, o = (nint)outputs, a = (nint)attention, l = (nint)lse, ix = (nint)nearest;
        int workers = Math.Min(QueryParallel.ResolveThreads(threads), Environment.ProcessorCount);
        int rows = BlockRows(n, workers);
        int capacity = rows;
        BlockSchedule schedule;

        // Screened blocks over 8-bit keys that stay in cache shrink towards one bounds chunk as the batch runs out
        // (each block streams the keys again, cheap from cache): on this VM one of two cores often ran 15–50 % slower
        // per query for a whole process, and with one fixed block each the fast core waited for it. Larger memories
        // keep fixed blocks: their candidate lists already cut them to about 130 queries, several per worker.
        // (A screen exists only for softmax separation, so the fused mode is the screened one.)
        if (mode == Mode.Fused && _screen is not null && (long)Count * _screen.PaddedDimension <= GuidedScreenBytes)
        {
            schedule = BlockSchedule.Guided;
        }
        else if ((long)rows * workers >= n && workers > 1)
        {
            // One block per worker, which streams every float key and value once, cannot be cut finer without
            // streaming them again: the blocks are instead sized by how fast each worker ran in earlier calls
            // (up to half again an even share, and so up to 1.5 × the scratch budget), since a slow core stays
            // slow for many batches here.
            schedule = BlockSchedule.Balanced;
            capacity = Math.Min(n, (rows + (rows / 2) + 5) / 6 * 6);
        }
        else
        {
            schedule = BlockSchedule.Fixed;
        }

        QueryParallel.For(
            n,
            capacity,
            threads,
            () => RentScratch(capacity),
            (start, len, scratch) => Block(mode, (float*)q, start, len, (float*)o, (float*)a, (float*)l, (int*)ix, scratch),
            ReturnScratch,
            schedule,
            schedule == BlockSchedule.Guided ? ScreenRowChunk : 6);
    }

    /// <summary>
    /// Queries per block for a batch of <paramref name="n"/> on <paramref name="workers"/> threads. Every stored key and
    /// value is streamed once per block, so blocks are as large as the batch allows — up to
    /// <see cref="MaxQueryBlock"/> rows, fewer for wide rows (a 4 MiB scratch budget, never below
    /// <see cref="MinQueryBlock"/>) — but small enough that every worker gets a block. A multiple of the 6-row register
    /// block. Results do not depend on it: each query is computed by the same FMA chains in any block.
    /// </summary>
    internal int BlockRows(int n, int workers)
    {
        long rowBytes = sizeof(float) * ((long)KeyTile + ValueDimension + (Similarity == SimilarityFunction.Cosine ? KeyDimension : 0));
        long cap = Math.Clamp(ScratchBudget / rowBytes, MinQueryBlock, MaxQueryBlock);
        if (_screen is not null)
        {
            // Candidate lists (8 bytes a slot) get the scratch budget; the 8-bit keys are a quarter of the float
            // ones, so streaming them more often costs little.
            cap = Math.Min(cap, Math.Max(6, ScratchBudget / (ScreenStride * 8L)));
        }

        long share = ((long)n + workers - 1) / Math.Max(1, workers);
        long rows = Math.Min(cap, share);
        return (int)Math.Max(6, (rows + 5) / 6 * 6);
    }

    /// <summary>A pooled worker scratch with room for <paramref name="rows"/> queries, or a new one.</summary>
    private Scratch RentScratch(int rows)
    {
        while (_scratchPool.TryTake(out var s))
        {
            if (s.Rows >= rows)
            {
                return s;
            }
        }

        return new Scratch(this, rows);
    }

    private void ReturnScratch(Scratch s)
    {
        if (_scratchPool.Count < Environment.ProcessorCount)
        {
            _scratchPool.Add(s);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Block(Mode mode, float* queries, int start, int len, float* outputs, float* attention, float* lse, int* nearest, Scratch s)
    {
        fixed (float* pScores = s.Scores, pAcc = s.Acc, pQ = s.Queries)
        {
            float* q = queries + ((nint)start * KeyDimension);
            if (Similarity == SimilarityFunction.Cosine)
            {
                for (int r = 0; r < len; r++)
                {
                    VectorKernels.NormalizeL2(
                        new ReadOnlySpan<float>(q + ((nint)r * KeyDimension), KeyDimension),
                        new Span<float>(pQ + ((nint)r * KeyDimension), KeyDimension));
                }

                q = pQ;
            }

            float* outBlock = outputs == null ? null : outputs + ((nint)start * ValueDimension);
            float* attBlock = attention == null ? null : attention + ((nint)start * Count);
            float* lseBlock = lse == null ? null : lse + start;
            switch (mode)
            {
                case Mode.Nearest:
                    SelectBlock(q, len, 1, s, pScores);
                    for (int r = 0; r < len; r++)
                    {
                        s.Selectors[r].CopySorted(s.TopScores, s.TopIndices);
                        nearest[start + r] = s.TopIndices[0];
                    }

                    break;
                case Mode.Scores:
                    ScoreRows(q, len, pScores, attBlock, s);
                    break;
                case Mode.Naive:
                    ScoreRows(q, len, pScores, attBlock, s);
                    NaiveFinish(len, attBlock, outBlock, lseBlock, s);
                    break;
                default:
                    if (Separation is SeparationFunction.Max or SeparationFunction.TopKSoftmax)
                    {
                        int k = Separation == SeparationFunction.Max ? 1 : TopK;
                        SelectBlock(q, len, k, s, pScores);
                        SelectFinish(len, outBlock, lseBlock, s);
                    }
                    else if (_screen is not null)
                    {
                        ScreenedBlock(q, len, pScores, pAcc, outBlock, lseBlock, s);
                    }
                    else
                    {
                        FusedBlock(q, len, pScores, pAcc, outBlock, lseBlock, s);
                    }

                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScoreTile(float* q, int nq, int keyStart, int kc, float* scores, Scratch s)
    {
        switch (Similarity)
        {
            case SimilarityFunction.Dot:
            case SimilarityFunction.Cosine:
                Gemm.ScoresPacked(
                    Level,
                    q,
                    KeyDimension,
                    nq,
                    TileKeys(keyStart, kc, s),
                    Gemm.PanelCount(kc),
                    KeyDimension,
                    scores,
                    KeyTile);
                break;
            case SimilarityFunction.NegativeEuclidean:
                PackedDistance.SquaredEuclidean(Level, q, KeyDimension, nq, TileKeys(keyStart, kc, s), Gemm.PanelCount(kc), KeyDimension, scores, KeyTile);
                for (int r = 0; r < nq; r++)
                {
                    RowKernels.Negate(Level, scores + ((nint)r * KeyTile), kc, root: true);
                }

                break;
            default:
                PackedDistance.Manhattan(Level, q, KeyDimension, nq, TileKeys(keyStart, kc, s), Gemm.PanelCount(kc), KeyDimension, scores, KeyTile);
                for (int r = 0; r < nq; r++)
                {
                    RowKernels.Negate(Level, scores + ((nint)r * KeyTile), kc, root: false);
                }

                break;
        }
    }

    private void ScoreRows(float* q, int len, float* scores, float* attBlock, Scratch s)
    {
        for (int keyStart = 0; keyStart < Count; keyStart += KeyTile)
        {
            int kc = Math.Min(KeyTile, Count - keyStart);
            ScoreTile(q, len, keyStart, kc, scores, s);
            for (int r = 0; r < len; r++)
            {
                new ReadOnlySpan<float>(scores + ((nint)r * KeyTile), kc)
                    .CopyTo(new Span<float>(attBlock + ((nint)r * Count) + keyStart, kc));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FusedBlock(float* q, int len, float* scores, float* acc, float* outBlock, float* lseBlock, Scratch s)
    {
        int vd = ValueDimension;
        new Span<float>(acc, len * vd).Clear();
        float[] runMax = s.RowMax, runSum = s.RowSum;
        Array.Fill(runMax, float.NegativeInfinity, 0, len);
        Array.Clear(runSum, 0, len);
        bool normalised = Separation != SeparationFunction.Identity;

        for (int keyStart = 0; keyStart < Count; keyStart += KeyTile)
        {
            int kc = Math.Min(KeyTile, Count - keyStart);
            ScoreTile(q, len, keyStart, kc, scores, s);
            if (normalised)
            {
                float gain = Separation == SeparationFunction.Polynomial ? 1f : Beta;
                for (int r = 0; r < len; r++)
                {
                    var row = new Span<float>(scores + ((nint)r * KeyTile), kc);
                    if (Separation == SeparationFunction.Polynomial)
                    {
                        PolynomialLogScores(row);
                    }

                    // Weights exp(gain·(s − m)) with m the running maximum of the (log-)scores: the exponent is never
                    // positive, so nothing overflows however large β is.
                    float* rowPtr = scores + ((nint)r * KeyTile);
                    float mNew = Math.Max(runMax[r], RowKernels.Max(Level, rowPtr, kc));
                    if (float.IsNegativeInfinity(mNew))
                    {
                        row.Clear();
                        continue;
                    }

                    float scale = mNew == runMax[r] ? 1f : MathF.Exp(gain * (runMax[r] - mNew));
                    runSum[r] = (runSum[r] * scale) + RowKernels.ExpShiftSum(Level, rowPtr, kc, mNew, gain);
                    if (scale != 1f)
                    {
                        float* accRow = acc + ((nint)r * vd);
                        RowKernels.Scale(Level, accRow, vd, scale, accRow);
                    }

                    runMax[r] = mNew;
                }
            }

            float* tileValues = TileValues(keyStart, kc, s);
            if (normalised && SparseTolerance > 0 && SparseProject(scores, len, kc, tileValues, acc))
            {
                continue;
            }

            Gemm.MultiplyAddSliced(Level, scores, KeyTile, len, kc, tileValues, vd, acc, vd);
        }

        for (int r = 0; r < len; r++)
        {
            var accRow = new ReadOnlySpan<float>(acc + ((nint)r * vd), vd);
            var outRow = new Span<float>(outBlock + ((nint)r * vd), vd);
            if (!normalised)
            {
                accRow.CopyTo(outRow);
            }
            else if (runSum[r] > 0)
            {
                RowKernels.Scale(Level, acc + ((nint)r * vd), vd, 1f / runSum[r], outBlock + ((nint)r * vd));
            }
            else
            {
                outRow.Clear();
            }

            if (lseBlock != null)
            {
                lseBlock[r] = Separation == SeparationFunction.Softmax ? runMax[r] + (MathF.Log(runSum[r]) / Beta) : float.NaN;
            }
        }
    }

    /// <summary>
    /// Fewest stored keys for which screening runs. Below it the 8-bit pass saves less than the per-query work it adds
    /// (quantising the query, bounds, candidate lists, exact chains): at D = 784, β = 1, one thread, screening ran
    /// 322k vs 487k queries/s fused sparse at 128 keys, 231k vs 194k at 256, 184k vs 134k at 512.
    /// </summary>
    internal const int ScreenMinimumCount = 256;

    /// <summary>Most candidate slots per query in a screened block; a query that needs more falls back to the fused path.</summary>
    internal const int ScreenCapacity = 4096;

    /// <summary>
    /// A query whose candidates, after the final cut, are more than 1/ExactShare of the keys falls back to the fused
    /// path: an exact chain costs about five times a key's share of a fused block (55 vs 10.5 ns at D = 784).
    /// </summary>
    private const int ExactShare = 5;

    /// <summary>
    /// Queries whose exact chains run together (<see cref="ExactScores"/>): pairs left one group of two queries alone
    /// about every other time (1000 × 784, L2, β = 28: 119.6k q/s on one thread, 124.9k with windows of eight). Eight
    /// queries' rows (about 8 × 28 × 3 KiB there) stay in L2 for their values.
    /// </summary>
    private const int ExactWindow = 8;

    /// <summary>
    /// Queries whose 8-bit products of one key tile are bounded together (40 × 128 ints: 20 KiB, in L1); a multiple of
    /// the 8-bit kernel's 4-row block.
    /// </summary>
    private const int ScreenRowChunk = 40;

    /// <summary>
    /// Most 8-bit key bytes for which screened blocks shrink as a batch runs out (<see cref="QueryParallel"/>'s guided
    /// blocks): up to here the keys come back from cache for every extra block.
    /// </summary>
    private const long GuidedScreenBytes = 4L << 20;

    /// <summary>
    /// Screened softmax retrieval of one block (<see cref="KeyScreen"/>): 8-bit scores of every key give each query a
    /// lower bound L of its best score and an upper bound of every key's; keys whose upper bound reaches
    /// L − ln(P/τ)/β stay candidates (the list is pruned as L grows). Then only the candidates are scored in float
    /// (<see cref="NarrowCandidates"/>, <see cref="ExactScores"/>, <see cref="FinishExact"/>: the ones that can matter, with the dense path's chain) and only their value rows
    /// are added. Queries with more candidates than a quarter of the keys (or than the list holds,
    /// <see cref="ScreenCapacity"/>), or whose survivors of the final cut are more than a fifth of the keys, are gathered
    /// and run through <see cref="FusedBlock"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScreenedBlock(float* q, int len, float* scores, float* acc, float* outBlock, float* lseBlock, Scratch s)
    {
        var screen = _screen!;
        s.EnsureScreen(this, screen);
        int pd = screen.PaddedDimension, dim = KeyDimension, vd = ValueDimension;
        bool vnni = Level >= SimdLevel.Vector256;
        float cut = _screenCut;
        long exact = 0;
        fixed (byte* codes = s.ScreenCodes)
        fixed (int* dots = s.ScreenDots, candIndex = s.CandidateIndices, count = s.CandidateCount)
        fixed (float* upper = s.ScreenUpper, candBound = s.CandidateBounds, lower = s.Lower)
        fixed (QueryCode* code = s.QueryCodes)
        {
            for (int r = 0; r < len; r++)
            {
                code[r] = screen.EncodeQuery(Level, new ReadOnlySpan<float>(q + ((nint)r * dim), dim), codes + ((nint)r * pd), s.SignedCodes);
                lower[r] = float.NegativeInfinity;
                count[r] = code[r].Bounded ? 0 : -1;
            }

            // Stops early once every query of the block has overflowed (a flat softmax) or is too large to bound: they all
            // go to the fused path.
            int active = 0;
            for (int r = 0; r < len; r++)
            {
                active += count[r] == 0 ? 1 : 0;
            }

            for (int keyStart = 0; keyStart < Count && active > 0; keyStart += KeyTile)
            {
                int kc = Math.Min(KeyTile, Count - keyStart);
                // Rows in chunks whose 8-bit products (chunk × 128 ints) stay in L1 until their bounds are taken.
                for (int r0 = 0; r0 < len; r0 += ScreenRowChunk)
                {
                    int rc = Math.Min(ScreenRowChunk, len - r0);
                    for (int sub = 0; sub < kc; sub += Int8Gemm.TileKeys)
                    {
                        Int8Gemm.Scores(vnni, codes + ((nint)r0 * pd), pd, rc, screen.Codes + ((nint)(keyStart + sub) * pd), screen.Groups, dots + sub, KeyTile);
                    }

                    for (int r = r0; r < r0 + rc; r++)
                    {
                        int n = count[r];
                        if (n < 0)
                        {
                            continue; // overflowed: the fused path takes it
                        }

                        float best = Math.Max(lower[r], screen.TileBounds(Level, dots + ((nint)(r - r0) * KeyTile), keyStart, kc, code[r], upper));
                        lower[r] = best;
                        float threshold = screen.BoundOfThreshold(best - cut);
                        int* ix = candIndex + ((nint)r * ScreenStride);
                        float* bound = candBound + ((nint)r * ScreenStride);
                        if (n > _screenSlots)
                        {
                            n = KeyScreen.Compact(Level, ix, bound, n, threshold);
                            if (n > _screenSlots)
                            {
                                count[r] = -1;
                                active--;
                                continue;
                            }
                        }

                        count[r] = KeyScreen.Collect(Level, upper, keyStart, kc, threshold, ix, bound, n);
                    }
                }
            }

            // Each query starts with a scattered read of its best candidate's row and of its own row (last read when it
            // was quantised): find the best candidates first, and fetch both rows into L2 two queries ahead (into L1 they
            // would be pushed out by the candidate rows of the query in between).
            int* top = stackalloc int[len];
            for (int r = 0; r < len; r++)
            {
                float* bound = candBound + ((nint)r * ScreenStride);
                int best = 0;
                for (int c = 1; c < count[r]; c++)
                {
                    best = bound[c] > bound[best] ? c : best;
                }

                top[r] = best;
            }

            // Queries go in windows of ExactWindow, their lists cut first: their exact chains run together (their 512-bit
            // groups two at a time, a lone group being latency-bound, so at most one a window runs alone), then each
            // one's softmax and values, whose rows (the keys' own, with auto-association) are still in L2.
            int fallbacks = 0;
            fixed (float* rows = _screenRows)
            {
                for (int r = 0; r < len; r += ExactWindow)
                {
                    for (int p = r + ExactWindow; p < Math.Min(r + (2 * ExactWindow), len); p++)
                    {
                        if (count[p] > 0)
                        {
                            Prefetch(rows + ((nint)candIndex[((nint)p * ScreenStride) + top[p]] * dim), dim, toL1: false);
                            Prefetch(q + ((nint)p * dim), dim, toL1: false);
                        }
                    }

                    int window = Math.Min(ExactWindow, len - r);
                    for (int p = r; p < r + window; p++)
                    {
                        if (count[p] >= 0)
                        {
                            count[p] = NarrowCandidates(q + ((nint)p * dim), code[p].Slack, candIndex + ((nint)p * ScreenStride), candBound + ((nint)p * ScreenStride), count[p], top[p], lower[p]);
                        }

                        if (count[p] < 0)
                        {
                            fallbacks++;
                        }
                    }

                    exact += ExactScores(q, r, window, code, candIndex, candBound, count, rows, s);
                    for (int p = r; p < r + window; p++)
                    {
                        if (count[p] < 0)
                        {
                            continue;
                        }

                        float lse = FinishExact(candIndex + ((nint)p * ScreenStride), candBound + ((nint)p * ScreenStride), count[p], outBlock + ((nint)p * vd), s);
                        if (lseBlock != null)
                        {
                            lseBlock[p] = lse;
                        }
                    }
                }
            }

            if (fallbacks > 0)
            {
                FallBack(q, len, count, fallbacks, scores, acc, outBlock, lseBlock, s);
            }

            Interlocked.Add(ref _screenedQueries, len);
            Interlocked.Add(ref _screenFallbacks, fallbacks);
            Interlocked.Add(ref _screenExact, exact);
        }
    }

    /// <summary>
    /// The final cut of one query's candidates (ascending indices with their upper bounds; <paramref name="top"/> the
    /// position of the highest bound): the lower bound L of the best score is raised to (a bound of) the exact score of
    /// the candidate with the highest upper bound — usually the best key, which halves the margin the bounds cost — and
    /// the list is cut at L − ln(2P/τ)/β, leaving n. Then once more, by what is left of τ: the keys the 8-bit pass left
    /// out weigh less than τ/(2P) of the best one each, less than τ/2 together, and the exact projection leaves out at
    /// most n weights below τ/P each (<see cref="FinishExact"/>), so the n candidates may lose B = τ·(1/2 − n/P) in
    /// all: B/n each, the ones whose bound is below L − ln(n/B)/β. Everything left out still weighs less than τ of the
    /// best key. Returns the survivors, or −1 when more than a fifth of the keys survive (the caller sends the query to
    /// the fused path).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int NarrowCandidates(float* query, float slack, int* ix, float* bound, int n, int top, float lower)
    {
        if (n == 0)
        {
            return -1; // not reached with finite bounds (the key of the best lower bound stays); the fused path if it is
        }

        var screen = _screen!;
        int dim = KeyDimension;
        fixed (float* keys = _screenRows)
        {
            var q = new ReadOnlySpan<float>(query, dim);
            var topKey = new ReadOnlySpan<float>(keys + ((nint)ix[top] * dim), dim);

            // Negative Euclidean: a vectorised squared distance bounds the dense chain's from above, so its root (widened)
            // bounds the best score from below. Dot: the vectorised dot is within δ = slack·s_k of the exact chain.
            float floor = screen.Distances
                ? screen.DistanceScoreFloor(VectorKernels.SquaredEuclidean(Level, q, topKey))
                : VectorKernels.Dot(Level, q, topKey) - (slack * screen.Scale(ix[top]));
            float best = Math.Max(lower, floor);
            n = KeyScreen.Compact(Level, ix, bound, n, screen.BoundOfThreshold(best - _screenCut));
            if (n > Count / ExactShare)
            {
                return -1;
            }

            // n ≤ P/5 here, so B = τ·(1/2 − n/P) ≥ 0.3·τ; the second cut is taken where it is the tighter one.
            float share = SparseTolerance * (0.5f - ((float)n / Count)) / n;
            float second = MathF.Log(1 / share) / Beta;
            if (n > 1 && second < _screenCut)
            {
                n = KeyScreen.Compact(Level, ix, bound, n, screen.BoundOfThreshold(best - second));
            }
        }

        return n;
    }

    /// <summary>
    /// Exact scores of the survivors of queries <paramref name="r"/> … r + <paramref name="window"/> − 1 of a block
    /// (those with count ≥ 0), in place of their bounds; returns how many were computed. At 512 bits, and for negative
    /// Euclidean scores at every width, every survivor gets the dense path's chain (<see cref="ExactChains"/>; for
    /// distances then negated and rooted as the dense path does): the queries' chains run together, two groups at a
    /// time. Dot products below 512 bits go through <see cref="ChooseAndChain"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long ExactScores(float* q, int r, int window, QueryCode* code, int* candIndex, float* candBound, int* count, float* keys, Scratch s)
    {
        int dim = KeyDimension;
        bool distances = _screen!.Distances;
        if (Level != SimdLevel.Vector512 && !distances)
        {
            // Below 512 bits an exact chain is a scalar one: a vectorised dot each picks the few that need one.
            long chosen = 0;
            for (int p = r; p < r + window; p++)
            {
                if (count[p] > 0)
                {
                    chosen += ChooseAndChain(q + ((nint)p * dim), keys, code[p].Slack, candIndex + ((nint)p * ScreenStride), candBound + ((nint)p * ScreenStride), count[p], s);
                }
            }

            return chosen;
        }

        // Fallen-back queries (count < 0) have no list.
        var lists = stackalloc ChainList[window];
        int used = 0;
        long total = 0;
        for (int p = r; p < r + window; p++)
        {
            if (count[p] > 0)
            {
                lists[used++] = new ChainList(q + ((nint)p * dim), candIndex + ((nint)p * ScreenStride), count[p], candBound + ((nint)p * ScreenStride));
                total += count[p];
            }
        }

        if (distances)
        {
            ExactChains.SquaredDistancesOfMany(Level, keys, dim, lists, used);
            for (int l = 0; l < used; l++)
            {
                RowKernels.Negate(Level, lists[l].Scores, lists[l].Count, root: true);
            }
        }
        else
        {
            ExactChains.DotsOfMany(Level, keys, dim, lists, used);
        }

        return total;
    }

    /// <summary>
    /// Softmax and value projection of one query from its survivors' exact scores (<paramref name="score"/>, n ≥ 1):
    /// candidates whose weight reaches τ/P of the best one add their value rows; the others add their weight to the sum
    /// only. Returns (1/β)·log Σ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float FinishExact(int* ix, float* score, int n, float* output, Scratch s)
    {
        int vd = ValueDimension;
        float max = RowKernels.Max(Level, score, n);
        float sum = RowKernels.ExpShiftSum(Level, score, n, max, Beta); // score[c] now holds the weight

        // A candidate whose weight is below τ/P of the best one is left out of the projection (not of the sum): at most
        // n of them, which the final cut of NarrowCandidates counts in with the keys the screen left out (less than τ in all).
        float negligible = SparseTolerance / Count;
        if (_screenRowsAreValues)
        {
            int m = 0;
            fixed (float* rows = _screenRows, weights = s.ChosenScores)
            fixed (nint* valueRows = s.ValueRows)
            {
                for (int c = 0; c < n; c++)
                {
                    if (score[c] >= negligible)
                    {
                        weights[m] = score[c];
                        valueRows[m++] = (nint)(rows + ((nint)ix[c] * vd));
                    }
                }

                // Written once, never read: no clearing and no second pass for the scale.
                RowKernels.WeightedRowSum(Level, weights, valueRows, m, 1f / sum, output, vd);
            }
        }
        else
        {
            new Span<float>(output, vd).Clear();
            for (int c = 0; c < n; c++)
            {
                float w = score[c];
                if (w < negligible)
                {
                    continue;
                }

                int i = ix[c], keyStart = i - (i % KeyTile);
                if (_pValues != null)
                {
                    Gemm.AxpySliced(Level, w, _pValues + ((nint)keyStart * vd), i - keyStart, Math.Min(KeyTile, Count - keyStart), vd, output);
                }
                else
                {
                    AddValue(i, w, new Span<float>(output, vd), s.ValueRow);
                }
            }

            RowKernels.Scale(Level, output, vd, 1f / sum, output);
        }

        return max + (MathF.Log(sum) / Beta);
    }

    /// <summary>
    /// Below 512 bits, where an exact chain is a scalar one (eight side by side): each survivor gets a vectorised dot
    /// product f (within δ = slack·s_k of the exact chain, far below a logit); only those with
    /// f ≥ max f − ln(2P/τ)/β − 2δ can have a weight of τ/(2P) of the best one, and they get the exact chain (the others
    /// are fewer than the n that <see cref="NarrowCandidates"/> counts in, each below τ/(2P)). Returns how
    /// many did.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ChooseAndChain(float* query, float* keys, float slack, int* ix, float* score, int n, Scratch s)
    {
        var screen = _screen!;
        int dim = KeyDimension;
        var q = new ReadOnlySpan<float>(query, dim);
        float fastMax = float.NegativeInfinity, maxScale = 0;
        for (int c = 0; c < n; c++)
        {
            // The survivors are scattered rows, mostly not in cache: fetch the row two ahead while this one is used.
            if (c + 2 < n)
            {
                Prefetch(keys + ((nint)ix[c + 2] * dim), dim);
            }

            score[c] = VectorKernels.Dot(Level, q, new ReadOnlySpan<float>(keys + ((nint)ix[c] * dim), dim));
            fastMax = Math.Max(fastMax, score[c]);
            maxScale = Math.Max(maxScale, screen.Scale(ix[c]));
        }

        float keep = fastMax - _screenCut - (2 * slack * maxScale);
        int exactCount = 0;
        fixed (int* chosen = s.Chosen, chosenKeys = s.ChosenKeys)
        fixed (float* chosenScores = s.ChosenScores)
        {
            for (int c = 0; c < n; c++)
            {
                if (score[c] >= keep)
                {
                    chosen[exactCount] = c;
                    chosenKeys[exactCount++] = ix[c];
                }
            }

            ExactChains.Dots(Level, query, keys, dim, chosenKeys, exactCount, chosenScores);
            for (int c = 0; c < exactCount; c++)
            {
                score[chosen[c]] = chosenScores[c];
            }
        }

        return exactCount;
    }

    /// <summary>
    /// Software prefetch of <paramref name="n"/> floats into L1 (or L2 only, for data needed well after the next few
    /// microseconds), one request per cache line; a no-op without SSE.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(float* p, int n, bool toL1 = true)
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            for (int i = 0; i < n; i += 16)
            {
                if (toL1)
                {
                    System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + i);
                }
                else
                {
                    System.Runtime.Intrinsics.X86.Sse.Prefetch1(p + i);
                }
            }
        }
    }

    /// <summary>Runs the queries marked overflowed (count &lt; 0) through the fused path, gathered into one block.</summary>
    private void FallBack(float* q, int len, int* count, int fallbacks, float* scores, float* acc, float* outBlock, float* lseBlock, Scratch s)
    {
        int dim = KeyDimension, vd = ValueDimension;
        s.EnsureGather(this, len);
        fixed (float* gq = s.GatherQueries, go = s.GatherOutputs, gl = s.GatherLse)
        {
            for (int r = 0, g = 0; r < len; r++)
            {
                if (count[r] < 0)
                {
                    Buffer.MemoryCopy(q + ((nint)r * dim), gq + ((nint)g++ * dim), (long)dim * sizeof(float), (long)dim * sizeof(float));
                }
            }

            FusedBlock(gq, fallbacks, scores, acc, go, lseBlock == null ? null : gl, s);
            for (int r = 0, g = 0; r < len; r++)
            {
                if (count[r] < 0)
                {
                    Buffer.MemoryCopy(go + ((nint)g * vd), outBlock + ((nint)r * vd), (long)vd * sizeof(float), (long)vd * sizeof(float));
                    if (lseBlock != null)
                    {
                        lseBlock[r] = gl[g];
                    }

                    g++;
                }
            }
        }
    }

    /// <summary>
    /// Sparse value projection of one tile: weights (already relative to the running maximum, so in [0, 1]) below
    /// <see cref="SparseTolerance"/> are skipped. The running maximum only grows, so a skipped weight is also below
    /// the tolerance relative to the final maximum. Returns false (and does nothing) when more than one weight in
    /// eight survives: the dense GEMM is faster then.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SparseProject(float* scores, int len, int kc, float* tileValues, float* acc)
    {
        float tol = SparseTolerance;
        int full = Level == SimdLevel.Vector512 ? kc & ~15 : 0;
        long limit = (long)len * kc / 8;
        long kept = 0;
        var tv = Vector512.Create(tol);
        for (int r = 0; r < len && kept <= limit; r++)
        {
            float* row = scores + ((nint)r * KeyTile);
            int j = 0;
            for (; j < full; j += 16)
            {
                kept += BitOperations.PopCount(Vector512.GreaterThanOrEqual(Vector512.Load(row + j), tv).ExtractMostSignificantBits());
            }

            for (; j < kc; j++)
            {
                kept += row[j] >= tol ? 1 : 0;
            }
        }

        if (kept > limit)
        {
            return false;
        }

        int vd = ValueDimension;
        for (int r = 0; r < len; r++)
        {
            float* row = scores + ((nint)r * KeyTile);
            float* accRow = acc + ((nint)r * vd);
            int j = 0;
            for (; j < full; j += 16)
            {
                ulong mask = Vector512.GreaterThanOrEqual(Vector512.Load(row + j), tv).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    int b = BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    Gemm.AxpySliced(Level, row[j + b], tileValues, j + b, kc, vd, accRow);
                }
            }

            for (; j < kc; j++)
            {
                float w = row[j];
                if (w >= tol)
                {
                    Gemm.AxpySliced(Level, w, tileValues, j, kc, vd, accRow);
                }
            }
        }

        return true;
    }

    /// <summary>n·ln(relu(s)) (−∞ where s ≤ 0): exp of it gives relu(s)ⁿ, so the softmax machinery normalises it.</summary>
    private void PolynomialLogScores(Span<float> row)
    {
        TensorPrimitives.Max(row, 0f, row);
        TensorPrimitives.Log(row, row);
        TensorPrimitives.Multiply(row, Degree, row);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SelectBlock(float* q, int len, int k, Scratch s, float* scores)
    {
        s.EnsureSelectors(len, k);
        for (int r = 0; r < len; r++)
        {
            s.Selectors[r].Reset();
        }

        for (int keyStart = 0; keyStart < Count; keyStart += KeyTile)
        {
            int kc = Math.Min(KeyTile, Count - keyStart);
            ScoreTile(q, len, keyStart, kc, scores, s);
            for (int r = 0; r < len; r++)
            {
                s.Selectors[r].OfferRange(new ReadOnlySpan<float>(scores + ((nint)r * KeyTile), kc), keyStart);
            }
        }
    }

    private void SelectFinish(int len, float* outBlock, float* lseBlock, Scratch s)
    {
        int vd = ValueDimension;
        for (int r = 0; r < len; r++)
        {
            int n = s.Selectors[r].CopySorted(s.TopScores, s.TopIndices);
            var outRow = new Span<float>(outBlock + ((nint)r * vd), vd);
            if (Separation == SeparationFunction.Max)
            {
                CopyValue(s.TopIndices[0], outRow);
                if (lseBlock != null)
                {
                    lseBlock[r] = float.NaN;
                }

                continue;
            }

            TopKWeights(s.TopScores.AsSpan(0, n), s.TopWeights);
            outRow.Clear();
            for (int i = 0; i < n; i++)
            {
                AddValue(s.TopIndices[i], s.TopWeights[i], outRow, s.ValueRow);
            }

            if (lseBlock != null)
            {
                lseBlock[r] = float.NaN;
            }
        }
    }

    /// <summary>softmax(β·s) over the selected (sorted, best first) scores.</summary>
    private void TopKWeights(ReadOnlySpan<float> sortedScores, float[] weights)
    {
        float top = sortedScores[0];
        float sum = 0;
        for (int i = 0; i < sortedScores.Length; i++)
        {
            weights[i] = MathF.Exp(Beta * (sortedScores[i] - top));
            sum += weights[i];
        }

        for (int i = 0; i < sortedScores.Length; i++)
        {
            weights[i] /= sum;
        }
    }

    private void NaiveFinish(int len, float* attBlock, float* outBlock, float* lseBlock, Scratch s)
    {
        for (int r = 0; r < len; r++)
        {
            var row = new Span<float>(attBlock + ((nint)r * Count), Count);
            float lse = float.NaN;
            switch (Separation)
            {
                case SeparationFunction.Identity:
                    break;
                case SeparationFunction.Softmax:
                {
                    float max = TensorPrimitives.Max(row);
                    TensorPrimitives.Subtract(row, max, row);
                    TensorPrimitives.Multiply(row, Beta, row);
                    TensorPrimitives.Exp(row, row);
                    float sum = TensorPrimitives.Sum(row);
                    TensorPrimitives.Divide(row, sum, row);
                    lse = max + (MathF.Log(sum) / Beta);
                    break;
                }

                case SeparationFunction.Max:
                {
                    int best = TopKSelector.ArgMax(row);
                    row.Clear();
                    row[best] = 1f;
                    break;
                }

                case SeparationFunction.TopKSoftmax:
                {
                    int[] idx = TopKSelector.Select(row, TopK);
                    for (int i = 0; i < idx.Length; i++)
                    {
                        s.TopScores[i] = row[idx[i]];
                    }

                    TopKWeights(s.TopScores.AsSpan(0, idx.Length), s.TopWeights);
                    row.Clear();
                    for (int i = 0; i < idx.Length; i++)
                    {
                        row[idx[i]] = s.TopWeights[i];
                    }

                    break;
                }

                default:
                {
                    // Polynomial: relu(s)^n / Σ relu(s)^n, computed as (s / max)^n in double to avoid overflow.
                    float max = TensorPrimitives.Max(row);
                    if (max <= 0)
                    {
                        row.Clear();
                        break;
                    }

                    double sum = 0;
                    for (int j = 0; j < row.Length; j++)
                    {
                        double w = row[j] > 0 ? Math.Pow(row[j] / (double)max, Degree) : 0;
                        row[j] = (float)w;
                        sum += w;
                    }

                    TensorPrimitives.Multiply(row, (float)(1 / sum), row);
                    break;
                }
            }

            if (lseBlock != null)
            {
                lseBlock[r] = lse;
            }
        }

        // Tile by tile: each output stays one sequential FMA chain over all keys (the accumulator is stored exactly
        // between tiles), and bfloat16 values are decoded one tile at a time.
        new Span<float>(outBlock, len * ValueDimension).Clear();
        for (int keyStart = 0; keyStart < Count; keyStart += KeyTile)
        {
            int kc = Math.Min(KeyTile, Count - keyStart);
            Gemm.MultiplyAddSliced(Level, attBlock + keyStart, Count, len, kc, TileValues(keyStart, kc, s), ValueDimension, outBlock, ValueDimension);
        }
    }

    /// <summary>Per-worker buffers; their size does not depend on the number of stored patterns.</summary>
    private sealed class Scratch
    {
        public Scratch(RetrievalEngine e, int rows)
        {
            Rows = rows;
            Scores = new float[rows * KeyTile];
            Acc = new float[rows * e.ValueDimension];
            Queries = e.Similarity == SimilarityFunction.Cosine ? new float[rows * e.KeyDimension] : [];
            bool half = e.Storage == MemoryStorage.BFloat16;
            KeyTileBuffer = half ? GC.AllocateUninitializedArray<float>(RetrievalEngine.KeyTile * e.KeyDimension, pinned: true) : [];
            ValueTileBuffer = half ? GC.AllocateUninitializedArray<float>(RetrievalEngine.KeyTile * e.ValueDimension, pinned: true) : [];
            RowMax = new float[rows];
            RowSum = new float[rows];
            int k = Math.Max(1, e.TopK);
            TopScores = new float[k];
            TopIndices = new int[k];
            TopWeights = new float[k];
            ValueRow = new float[e.ValueDimension];
            Selectors = [];
        }

        /// <summary>Queries this scratch has room for.</summary>
        public int Rows { get; }

        public float[] Scores { get; }

        public float[] Acc { get; }

        public float[] Queries { get; }

        /// <summary>Decoded key panels of one tile (bfloat16 storage only; pinned).</summary>
        public float[] KeyTileBuffer { get; }

        /// <summary>Decoded value rows of one tile (bfloat16 storage only; pinned).</summary>
        public float[] ValueTileBuffer { get; }

        public float[] RowMax { get; }

        public float[] RowSum { get; }

        public float[] TopScores { get; }

        public int[] TopIndices { get; }

        public float[] TopWeights { get; }

        /// <summary>One decoded value row (top-k).</summary>
        public float[] ValueRow { get; }

        public TopKSelector[] Selectors { get; private set; }

        // Screening buffers (allocated on first use; pinned where kernels take their address for the whole block).
        public byte[] ScreenCodes { get; private set; } = [];

        public int[] ScreenDots { get; private set; } = [];

        public float[] ScreenUpper { get; private set; } = [];

        public int[] CandidateIndices { get; private set; } = [];

        public float[] CandidateBounds { get; private set; } = [];

        public int[] CandidateCount { get; private set; } = [];

        public float[] Lower { get; private set; } = [];

        public QueryCode[] QueryCodes { get; private set; } = [];

        public sbyte[] SignedCodes { get; private set; } = [];

        public int[] Chosen { get; private set; } = [];

        public int[] ChosenKeys { get; private set; } = [];

        public float[] ChosenScores { get; private set; } = [];

        public nint[] ValueRows { get; private set; } = [];

        public float[] GatherQueries { get; private set; } = [];

        public float[] GatherOutputs { get; private set; } = [];

        public float[] GatherLse { get; private set; } = [];

        public void EnsureScreen(RetrievalEngine e, KeyScreen screen)
        {
            if (ScreenDots.Length > 0)
            {
                return;
            }

            ScreenCodes = new byte[Rows * screen.PaddedDimension];
            ScreenDots = new int[ScreenRowChunk * KeyTile];
            ScreenUpper = new float[KeyTile];
            CandidateIndices = new int[Rows * e.ScreenStride];
            CandidateBounds = new float[Rows * e.ScreenStride];
            CandidateCount = new int[Rows];
            Lower = new float[Rows];
            QueryCodes = new QueryCode[Rows];
            SignedCodes = new sbyte[e.KeyDimension];
            Chosen = new int[e.ScreenStride];
            ChosenKeys = new int[e.ScreenStride];
            ChosenScores = new float[e.ScreenStride];
            ValueRows = new nint[e.ScreenStride];
        }

        public void EnsureGather(RetrievalEngine e, int rows)
        {
            if (GatherLse.Length < rows)
            {
                GatherQueries = new float[Rows * e.KeyDimension];
                GatherOutputs = new float[Rows * e.ValueDimension];
                GatherLse = new float[Rows];
            }
        }

        public void EnsureSelectors(int rows, int k)
        {
            if (Selectors.Length < rows || (Selectors.Length > 0 && Selectors[0].Capacity != k))
            {
                Selectors = new TopKSelector[Math.Max(rows, Selectors.Length)];
                for (int i = 0; i < Selectors.Length; i++)
                {
                    Selectors[i] = new TopKSelector(k);
                }
            }
        }
    }
}
