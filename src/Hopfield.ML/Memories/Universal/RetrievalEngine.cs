using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Hopfield.ML.Numerics;

namespace Hopfield.ML.Memories.Universal;

/// <summary>
/// The computational core shared by <see cref="UniversalHopfieldMemory"/> and the modern network:
/// retrieve(q) = V · separation(similarity(K, q)).
/// <para>
/// The default (fused) path walks the stored keys in tiles of <see cref="KeyTile"/>: a score tile for a block
/// of <see cref="QueryBlock"/> queries is computed with the packed GEMM micro-kernel, turned into weights with an
/// online softmax (running max, running sum, accumulator rescaled when the max grows) and immediately projected
/// onto the matching value rows. Peak working memory is QueryBlock × (KeyTile + valueDim) floats per worker (plus
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
    /// <summary>Queries per block (fixed, so results do not depend on the thread count).</summary>
    public const int QueryBlock = 126;

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
        bool sameValues = values.Overlaps(keys) && values.Length == keys.Length;

        // Every similarity runs on keys packed into 16-key panels (dot and cosine through the GEMM micro-kernel,
        // L1 and L2 through the distance micro-kernels of the same shape).
        float[] source = keys.ToArray();
        if (Similarity == SimilarityFunction.Cosine)
        {
            for (int r = 0; r < count; r++)
            {
                VectorKernels.NormalizeL2(keys.Slice(r * keyDim, keyDim), source.AsSpan(r * keyDim, keyDim));
            }
        }

        int packedLength = Gemm.PackedLength(count, keyDim);
        if (Storage == MemoryStorage.BFloat16)
        {
            _keysH = Encode(keys);
            _valuesH = sameValues ? _keysH : Encode(values);
            var packed = new float[packedLength];
            Gemm.Pack(source, count, keyDim, packed);
            _packedH = Encode(packed);
            _pPackedH = (ushort*)Unsafe.AsPointer(ref _packedH[0]);
            _pValuesH = (ushort*)Unsafe.AsPointer(ref _valuesH[0]);
            return;
        }

        _keys = GC.AllocateUninitializedArray<float>(keys.Length, pinned: true);
        keys.CopyTo(_keys);
        if (sameValues)
        {
            _values = _keys;
        }
        else
        {
            _values = GC.AllocateUninitializedArray<float>(values.Length, pinned: true);
            values.CopyTo(_values);
        }

        _pValues = (float*)Unsafe.AsPointer(ref _values[0]);
        _packed = GC.AllocateUninitializedArray<float>(packedLength, pinned: true);
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

    /// <summary>Precision of the stored keys and values.</summary>
    public MemoryStorage Storage { get; }

    /// <summary>Key row <paramref name="i"/> as stored (not normalised; bfloat16 storage decodes into a new array).</summary>
    public ReadOnlySpan<float> Key(int i) => _keys is not null ? _keys.AsSpan(i * KeyDimension, KeyDimension) : Decode(_keysH!, i * KeyDimension, KeyDimension);

    /// <summary>Value row <paramref name="i"/> (bfloat16 storage decodes into a new array).</summary>
    public ReadOnlySpan<float> Value(int i) => _values is not null ? _values.AsSpan(i * ValueDimension, ValueDimension) : Decode(_valuesH!, i * ValueDimension, ValueDimension);

    private static ushort[] Encode(ReadOnlySpan<float> source)
    {
        var h = GC.AllocateUninitializedArray<ushort>(Math.Max(1, source.Length), pinned: true);
        BFloat16.FromSingle(source, h);
        return h;
    }

    private static float[] Decode(ushort[] source, int start, int length)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = BFloat16.ToSingle(source[start + i]);
        }

        return x;
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

    /// <summary>Value rows keyStart .. keyStart + kc (decoded into scratch for bfloat16).</summary>
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
        QueryParallel.For(
            n,
            QueryBlock,
            threads,
            RentScratch,
            (start, len, scratch) => Block(mode, (float*)q, start, len, (float*)o, (float*)a, (float*)l, (int*)ix, scratch),
            ReturnScratch);
    }

    /// <summary>A pooled worker scratch (tile-sized, independent of the pattern count), or a new one.</summary>
    private Scratch RentScratch() => _scratchPool.TryTake(out var s) ? s : new Scratch(this, QueryBlock);

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

                    float scale = MathF.Exp(gain * (runMax[r] - mNew));
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

            Gemm.MultiplyAdd(Level, scores, KeyTile, len, kc, tileValues, vd, vd, acc, vd);
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
                    RowKernels.Axpy(Level, row[j + b], tileValues + ((nint)(j + b) * vd), accRow, vd);
                }
            }

            for (; j < kc; j++)
            {
                float w = row[j];
                if (w >= tol)
                {
                    RowKernels.Axpy(Level, w, tileValues + ((nint)j * vd), accRow, vd);
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
                Value(s.TopIndices[0]).CopyTo(outRow);
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
                TensorPrimitives.MultiplyAdd(Value(s.TopIndices[i]), s.TopWeights[i], outRow, outRow);
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
            Gemm.MultiplyAdd(Level, attBlock + keyStart, Count, len, kc, TileValues(keyStart, kc, s), ValueDimension, ValueDimension, outBlock, ValueDimension);
        }
    }

    /// <summary>Per-worker buffers; their size does not depend on the number of stored patterns.</summary>
    private sealed class Scratch
    {
        public Scratch(RetrievalEngine e, int rows)
        {
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
            Selectors = [];
        }

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

        public TopKSelector[] Selectors { get; private set; }

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
