using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hopfield.ML.Numerics;

/// <summary>
/// Kernels for the transposed product <c>acc = Xᵀ w</c> of a bit matrix X (rows = packed bipolar patterns, bit = 1 for +1)
/// with a weight vector w: <c>acc[i] = Σ_μ w_μ · bit(μ, i)</c>. With <c>w = m</c> (the overlaps) this gives the Hebbian local
/// field through <c>Σ_μ m_μ ξ_μi = 2·acc[i] − Σ_μ m_μ</c>, without ever forming an N×N matrix.
/// </summary>
/// <remarks>
/// The SIMD paths turn each byte (int lanes) or nibble (double lanes) of a pattern word into lane masks by a table
/// lookup and add <c>mask &amp; broadcast(w_μ)</c>; a word's 64 accumulators stay in registers across all patterns.
/// Large problems are split across threads by blocks of words (neurons).
/// </remarks>
internal static class BitFieldKernels
{
    /// <summary>Work (words × patterns) above which the kernels go multi-threaded.</summary>
    internal const long ParallelThreshold = 1L << 16;

    /// <summary>Whether the 512-bit kernels run where the machine has them (tests turn them off to check the 256-bit ones).</summary>
    internal static bool UseVector512 { get; set; } = true;

    // ByteMasks[b*8 + k] = bit k of b set ? -1 : 0. The first 4 lanes of row b (b < 16) are the nibble masks.
    private static readonly int[] ByteMasks = CreateByteMasks();

    // NibbleMasks[b*4 + k] = bit k of b set ? -1L : 0L (as raw bits for double lanes).
    private static readonly long[] NibbleMasks = CreateNibbleMasks();

    /// <summary>acc[i] = Σ_μ weights[μ]·bit(μ,i) for i &lt; n. Multi-threaded for large inputs.</summary>
    public static void Accumulate(ulong[] rows, int wordsPerRow, int rowCount, int[] weights, int[] acc, int n)
    {
        Check(rows.Length, wordsPerRow, rowCount, weights.Length, acc.Length, n);
        long work = (long)wordsPerRow * rowCount;
        int chunks = ChunkCount(wordsPerRow, work);
        if (chunks <= 1)
        {
            AccumulateRange(rows, wordsPerRow, rowCount, weights, acc, n, 0, wordsPerRow);
            return;
        }

        int per = (wordsPerRow + chunks - 1) / chunks;
        Parallel.For(0, chunks, c =>
        {
            int ws = c * per;
            int we = Math.Min(wordsPerRow, ws + per);
            if (ws < we)
            {
                AccumulateRange(rows, wordsPerRow, rowCount, weights, acc, n, ws, we);
            }
        });
    }

    /// <summary>acc[i] = Σ_μ weights[μ]·bit(μ,i) for i &lt; n (double weights). Multi-threaded for large inputs.</summary>
    public static void Accumulate(ulong[] rows, int wordsPerRow, int rowCount, double[] weights, double[] acc, int n)
    {
        Check(rows.Length, wordsPerRow, rowCount, weights.Length, acc.Length, n);
        long work = (long)wordsPerRow * rowCount;
        int chunks = ChunkCount(wordsPerRow, work);
        if (chunks <= 1)
        {
            AccumulateRange(rows, wordsPerRow, rowCount, weights, acc, n, 0, wordsPerRow);
            return;
        }

        int per = (wordsPerRow + chunks - 1) / chunks;
        Parallel.For(0, chunks, c =>
        {
            int ws = c * per;
            int we = Math.Min(wordsPerRow, ws + per);
            if (ws < we)
            {
                AccumulateRange(rows, wordsPerRow, rowCount, weights, acc, n, ws, we);
            }
        });
    }

    /// <summary>Scalar reference: acc[i] = Σ_μ weights[μ]·bit(μ,i).</summary>
    public static void AccumulateScalar(ReadOnlySpan<ulong> rows, int wordsPerRow, int rowCount, ReadOnlySpan<int> weights, Span<int> acc, int n)
    {
        for (int i = 0; i < n; i++)
        {
            int sum = 0;
            for (int mu = 0; mu < rowCount; mu++)
            {
                if (((rows[(mu * wordsPerRow) + (i >> 6)] >> (i & 63)) & 1UL) != 0)
                {
                    sum += weights[mu];
                }
            }

            acc[i] = sum;
        }
    }

    /// <summary>Scalar reference (double weights).</summary>
    public static void AccumulateScalar(ReadOnlySpan<ulong> rows, int wordsPerRow, int rowCount, ReadOnlySpan<double> weights, Span<double> acc, int n)
    {
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int mu = 0; mu < rowCount; mu++)
            {
                if (((rows[(mu * wordsPerRow) + (i >> 6)] >> (i & 63)) & 1UL) != 0)
                {
                    sum += weights[mu];
                }
            }

            acc[i] = sum;
        }
    }

    /// <summary>Single-threaded SIMD kernel over the words [wordStart, wordEnd).</summary>
    public static void AccumulateRange(
        ReadOnlySpan<ulong> rows, int wordsPerRow, int rowCount, ReadOnlySpan<int> weights, Span<int> acc, int n, int wordStart, int wordEnd) =>
        AccumulateRange(rows, wordsPerRow, rowCount, weights, acc, n, wordStart, wordEnd, 0);

    /// <summary>
    /// As above, but neuron i is written to acc[i − <paramref name="accOffset"/>]: a caller can accumulate one block of
    /// words into a small block-sized buffer (accOffset = 64·wordStart).
    /// </summary>
    public static void AccumulateRange(
        ReadOnlySpan<ulong> rows, int wordsPerRow, int rowCount, ReadOnlySpan<int> weights, Span<int> acc, int n, int wordStart, int wordEnd, int accOffset)
    {
        int needed = Math.Min(n, wordEnd << 6) - accOffset;
        if (accOffset < 0 || accOffset > wordStart << 6 || acc.Length < needed)
        {
            throw new ArgumentException($"The accumulator block (offset {accOffset}, length {acc.Length}) does not cover words {wordStart}..{wordEnd}.", nameof(acc));
        }

        int fullWords = n >> 6;
        int simdEnd = Math.Min(wordEnd, fullWords);
        int w = wordStart;
        ref int lut = ref MemoryMarshal.GetArrayDataReference(ByteMasks);
        ref int dst = ref MemoryMarshal.GetReference(acc);
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported && UseVector512)
        {
            // The word broadcast to all lanes as 64-bit (lanes 2t / 2t + 1 hold its low / high half); accumulator k,
            // lane L tests bit 8k + L/2 of its half (neuron 8k + t or 32 + 8k + t) and adds w_μ under that mask.
            var c0 = Vector512.Create(1, 1, 2, 2, 4, 4, 8, 8, 16, 16, 32, 32, 64, 64, 128, 128);
            var c1 = c0 << 8;
            var c2 = c0 << 16;
            var c3 = c0 << 24;
            var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30).AsUInt32();
            var odds = evens + Vector512<uint>.One;
            for (; w < simdEnd; w++)
            {
                Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int mu = 0; mu < rowCount; mu++)
                {
                    ulong bits = rows[(mu * wordsPerRow) + w];
                    if (bits == 0)
                    {
                        continue;
                    }

                    var x = Vector512.Create(bits).AsInt32();
                    var wv = Vector512.Create(weights[mu]);
                    a0 = Vector512.ConditionalSelect(Vector512.Equals(x & c0, c0), a0 + wv, a0);
                    a1 = Vector512.ConditionalSelect(Vector512.Equals(x & c1, c1), a1 + wv, a1);
                    a2 = Vector512.ConditionalSelect(Vector512.Equals(x & c2, c2), a2 + wv, a2);
                    a3 = Vector512.ConditionalSelect(Vector512.Equals(x & c3, c3), a3 + wv, a3);
                }

                nuint o = (nuint)((w << 6) - accOffset);
                Avx512F.PermuteVar16x32x2(a0, evens.AsInt32(), a1).StoreUnsafe(ref dst, o);
                Avx512F.PermuteVar16x32x2(a2, evens.AsInt32(), a3).StoreUnsafe(ref dst, o + 16);
                Avx512F.PermuteVar16x32x2(a0, odds.AsInt32(), a1).StoreUnsafe(ref dst, o + 32);
                Avx512F.PermuteVar16x32x2(a2, odds.AsInt32(), a3).StoreUnsafe(ref dst, o + 48);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; w < simdEnd; w++)
            {
                Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
                Vector256<int> a4 = default, a5 = default, a6 = default, a7 = default;
                for (int mu = 0; mu < rowCount; mu++)
                {
                    ulong bits = rows[(mu * wordsPerRow) + w];
                    if (bits == 0)
                    {
                        continue;
                    }

                    var wv = Vector256.Create(weights[mu]);
                    a0 += Vector256.LoadUnsafe(ref lut, (nuint)((bits & 0xFF) << 3)) & wv;
                    a1 += Vector256.LoadUnsafe(ref lut, (nuint)(((bits >> 8) & 0xFF) << 3)) & wv;
                    a2 += Vector256.LoadUnsafe(ref lut, (nuint)(((bits >> 16) & 0xFF) << 3)) & wv;
                    a3 += Vector256.LoadUnsafe(ref lut, (nuint)(((bits >> 24) & 0xFF) << 3)) & wv;
                    a4 += Vector256.LoadUnsafe(ref lut, (nuint)(((bits >> 32) & 0xFF) << 3)) & wv;
                    a5 += Vector256.LoadUnsafe(ref lut, (nuint)(((bits >> 40) & 0xFF) << 3)) & wv;
                    a6 += Vector256.LoadUnsafe(ref lut, (nuint)(((bits >> 48) & 0xFF) << 3)) & wv;
                    a7 += Vector256.LoadUnsafe(ref lut, (nuint)((bits >> 56) << 3)) & wv;
                }

                nuint o = (nuint)((w << 6) - accOffset);
                a0.StoreUnsafe(ref dst, o);
                a1.StoreUnsafe(ref dst, o + 8);
                a2.StoreUnsafe(ref dst, o + 16);
                a3.StoreUnsafe(ref dst, o + 24);
                a4.StoreUnsafe(ref dst, o + 32);
                a5.StoreUnsafe(ref dst, o + 40);
                a6.StoreUnsafe(ref dst, o + 48);
                a7.StoreUnsafe(ref dst, o + 56);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Span<Vector128<int>> a = stackalloc Vector128<int>[16];
            for (; w < simdEnd; w++)
            {
                a.Clear();
                for (int mu = 0; mu < rowCount; mu++)
                {
                    ulong bits = rows[(mu * wordsPerRow) + w];
                    if (bits == 0)
                    {
                        continue;
                    }

                    var wv = Vector128.Create(weights[mu]);
                    for (int k = 0; k < 16; k++)
                    {
                        a[k] += Vector128.LoadUnsafe(ref lut, (nuint)(((bits >> (4 * k)) & 0xF) << 3)) & wv;
                    }
                }

                nuint o = (nuint)((w << 6) - accOffset);
                for (int k = 0; k < 16; k++)
                {
                    a[k].StoreUnsafe(ref dst, o + (nuint)(4 * k));
                }
            }
        }

        // Scalar tail: words without SIMD support and the final partial word.
        int tailEnd = Math.Min(n, wordEnd << 6);
        for (int i = w << 6; i < tailEnd; i++)
        {
            int sum = 0;
            for (int mu = 0; mu < rowCount; mu++)
            {
                if (((rows[(mu * wordsPerRow) + (i >> 6)] >> (i & 63)) & 1UL) != 0)
                {
                    sum += weights[mu];
                }
            }

            acc[i - accOffset] = sum;
        }
    }

    /// <summary>Single-threaded SIMD kernel over the words [wordStart, wordEnd) (double weights).</summary>
    public static void AccumulateRange(
        ReadOnlySpan<ulong> rows, int wordsPerRow, int rowCount, ReadOnlySpan<double> weights, Span<double> acc, int n, int wordStart, int wordEnd)
    {
        int fullWords = n >> 6;
        int simdEnd = Math.Min(wordEnd, fullWords);
        int w = wordStart;
        ref long lut = ref MemoryMarshal.GetArrayDataReference(NibbleMasks);
        ref double dst = ref MemoryMarshal.GetReference(acc);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; w < simdEnd; w++)
            {
                nuint o = (nuint)(w << 6);

                // Two passes of 32 bits (8 nibbles → 8 accumulators each) keep the accumulators in registers.
                for (int half = 0; half < 2; half++)
                {
                    Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
                    Vector256<double> a4 = default, a5 = default, a6 = default, a7 = default;
                    int shift = half * 32;
                    for (int mu = 0; mu < rowCount; mu++)
                    {
                        ulong bits = rows[(mu * wordsPerRow) + w] >> shift;
                        if ((uint)bits == 0)
                        {
                            continue;
                        }

                        var wv = Vector256.Create(weights[mu]);
                        a0 += Mask(ref lut, bits) & wv;
                        a1 += Mask(ref lut, bits >> 4) & wv;
                        a2 += Mask(ref lut, bits >> 8) & wv;
                        a3 += Mask(ref lut, bits >> 12) & wv;
                        a4 += Mask(ref lut, bits >> 16) & wv;
                        a5 += Mask(ref lut, bits >> 20) & wv;
                        a6 += Mask(ref lut, bits >> 24) & wv;
                        a7 += Mask(ref lut, bits >> 28) & wv;
                    }

                    nuint oh = o + (nuint)shift;
                    a0.StoreUnsafe(ref dst, oh);
                    a1.StoreUnsafe(ref dst, oh + 4);
                    a2.StoreUnsafe(ref dst, oh + 8);
                    a3.StoreUnsafe(ref dst, oh + 12);
                    a4.StoreUnsafe(ref dst, oh + 16);
                    a5.StoreUnsafe(ref dst, oh + 20);
                    a6.StoreUnsafe(ref dst, oh + 24);
                    a7.StoreUnsafe(ref dst, oh + 28);
                }
            }
        }

        int tailEnd = Math.Min(n, wordEnd << 6);
        for (int i = w << 6; i < tailEnd; i++)
        {
            double sum = 0;
            for (int mu = 0; mu < rowCount; mu++)
            {
                if (((rows[(mu * wordsPerRow) + (i >> 6)] >> (i & 63)) & 1UL) != 0)
                {
                    sum += weights[mu];
                }
            }

            acc[i] = sum;
        }
    }

    /// <summary>
    /// The Hebbian sign update from integer accumulations: next[i] = +1 when acc[i] ≥ threshold(s_i), else −1, with
    /// threshold(+1) = <paramref name="thresholdPlus"/> and threshold(−1) = <paramref name="thresholdMinus"/>.
    /// Returns how many neurons changed.
    /// </summary>
    public static int ThresholdUpdate(ReadOnlySpan<int> acc, ReadOnlySpan<sbyte> state, Span<sbyte> next, int thresholdPlus, int thresholdMinus)
    {
        int n = state.Length;
        if (acc.Length < n || next.Length < n)
        {
            throw new ArgumentException($"Threshold update needs {n} accumulators and outputs (got {acc.Length} and {next.Length}).");
        }

        int i = 0;
        int changed = 0;
        if (Vector512.IsHardwareAccelerated && UseVector512)
        {
            ref int a = ref MemoryMarshal.GetReference(acc);
            ref sbyte s = ref MemoryMarshal.GetReference(state);
            ref sbyte d = ref MemoryMarshal.GetReference(next);
            var tp = Vector512.Create(thresholdPlus);
            var tm = Vector512.Create(thresholdMinus);
            var one = Vector512<int>.One;
            for (; i + 64 <= n; i += 64)
            {
                var sv = Vector512.LoadUnsafe(ref s, (nuint)i);
                var (s01, s23) = Vector512.Widen(sv);
                var (s0, s1) = Vector512.Widen(s01);
                var (s2, s3) = Vector512.Widen(s23);
                var r0 = -(Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref a, (nuint)i), Vector512.ConditionalSelect(Vector512.GreaterThan(s0, Vector512<int>.Zero), tp, tm)) | one);
                var r1 = -(Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref a, (nuint)(i + 16)), Vector512.ConditionalSelect(Vector512.GreaterThan(s1, Vector512<int>.Zero), tp, tm)) | one);
                var r2 = -(Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref a, (nuint)(i + 32)), Vector512.ConditionalSelect(Vector512.GreaterThan(s2, Vector512<int>.Zero), tp, tm)) | one);
                var r3 = -(Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref a, (nuint)(i + 48)), Vector512.ConditionalSelect(Vector512.GreaterThan(s3, Vector512<int>.Zero), tp, tm)) | one);
                var result = Vector512.Narrow(Vector512.Narrow(r0, r1), Vector512.Narrow(r2, r3));
                result.StoreUnsafe(ref d, (nuint)i);
                changed += BitOperations.PopCount(~Vector512.Equals(result, sv).ExtractMostSignificantBits());
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            ref int a = ref MemoryMarshal.GetReference(acc);
            ref sbyte s = ref MemoryMarshal.GetReference(state);
            ref sbyte d = ref MemoryMarshal.GetReference(next);
            var tp = Vector256.Create(thresholdPlus);
            var tm = Vector256.Create(thresholdMinus);
            var one = Vector256<int>.One;
            for (; i + 32 <= n; i += 32)
            {
                var sv = Vector256.LoadUnsafe(ref s, (nuint)i);
                var (s01, s23) = Vector256.Widen(sv);
                var (s0, s1) = Vector256.Widen(s01);
                var (s2, s3) = Vector256.Widen(s23);
                var r0 = -(Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.ConditionalSelect(Vector256.GreaterThan(s0, Vector256<int>.Zero), tp, tm)) | one);
                var r1 = -(Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref a, (nuint)(i + 8)), Vector256.ConditionalSelect(Vector256.GreaterThan(s1, Vector256<int>.Zero), tp, tm)) | one);
                var r2 = -(Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref a, (nuint)(i + 16)), Vector256.ConditionalSelect(Vector256.GreaterThan(s2, Vector256<int>.Zero), tp, tm)) | one);
                var r3 = -(Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref a, (nuint)(i + 24)), Vector256.ConditionalSelect(Vector256.GreaterThan(s3, Vector256<int>.Zero), tp, tm)) | one);
                var result = Vector256.Narrow(Vector256.Narrow(r0, r1), Vector256.Narrow(r2, r3));
                result.StoreUnsafe(ref d, (nuint)i);
                changed += BitOperations.PopCount(~Vector256.Equals(result, sv).ExtractMostSignificantBits());
            }
        }

        return changed + ThresholdUpdateScalar(acc[i..], state[i..], next[i..], thresholdPlus, thresholdMinus);
    }

    /// <summary>Scalar reference for <see cref="ThresholdUpdate"/>.</summary>
    public static int ThresholdUpdateScalar(ReadOnlySpan<int> acc, ReadOnlySpan<sbyte> state, Span<sbyte> next, int thresholdPlus, int thresholdMinus)
    {
        int changed = 0;
        for (int i = 0; i < state.Length; i++)
        {
            sbyte s = state[i];
            sbyte v = acc[i] >= (s > 0 ? thresholdPlus : thresholdMinus) ? (sbyte)1 : (sbyte)-1;
            next[i] = v;
            changed += v != s ? 1 : 0;
        }

        return changed;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Mask(ref long lut, ulong bits) =>
        Vector256.LoadUnsafe(ref lut, (nuint)((bits & 0xF) << 2)).AsDouble();

    private static int ChunkCount(int words, long work)
    {
        if (work < ParallelThreshold || Environment.ProcessorCount < 2)
        {
            return 1;
        }

        return Math.Max(1, Math.Min(Environment.ProcessorCount * 2, words / 128));
    }

    private static void Check(int rowsLength, int wordsPerRow, int rowCount, int weightsLength, int accLength, int n)
    {
        if (wordsPerRow != BitPacking.WordCount(n) || rowsLength < (long)wordsPerRow * rowCount || weightsLength < rowCount || accLength < n)
        {
            throw new ArgumentException(
                $"Inconsistent bit-field kernel arguments: n={n}, wordsPerRow={wordsPerRow}, rows={rowCount} ({rowsLength} words), weights={weightsLength}, acc={accLength}.");
        }
    }

    private static int[] CreateByteMasks()
    {
        var t = new int[256 * 8];
        for (int b = 0; b < 256; b++)
        {
            for (int k = 0; k < 8; k++)
            {
                t[(b * 8) + k] = ((b >> k) & 1) != 0 ? -1 : 0;
            }
        }

        return t;
    }

    private static long[] CreateNibbleMasks()
    {
        var t = new long[16 * 4];
        for (int b = 0; b < 16; b++)
        {
            for (int k = 0; k < 4; k++)
            {
                t[(b * 4) + k] = ((b >> k) & 1) != 0 ? -1L : 0L;
            }
        }

        return t;
    }
}
