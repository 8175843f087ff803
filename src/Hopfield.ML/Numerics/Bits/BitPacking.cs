using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Hopfield.ML.Numerics;

/// <summary>
/// Packs bipolar (±1) vectors into 64-bit words: bit <c>i % 64</c> of word <c>i / 64</c> is 1 for +1 and 0 for −1.
/// Padding bits past the vector length are always 0, so XOR/popcount over whole words counts mismatches exactly.
/// </summary>
internal static class BitPacking
{
    /// <summary>Number of 64-bit words that hold <paramref name="bits"/> bits.</summary>
    public static int WordCount(int bits) => (int)(((long)bits + 63) >> 6);

    /// <summary>Packs ±1 values (not validated: any negative value packs as −1, anything else as +1).</summary>
    public static void Pack(ReadOnlySpan<sbyte> values, Span<ulong> words)
    {
        int n = values.Length;
        int wordCount = WordCount(n);
        if (words.Length < wordCount)
        {
            throw new ArgumentException($"Destination has {words.Length} words but {wordCount} are needed for {n} bits.", nameof(words));
        }

        int i = 0;
        int w = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref sbyte src = ref MemoryMarshal.GetReference(values);
            for (; i + 64 <= n; i += 64, w++)
            {
                uint lo = Vector256.LoadUnsafe(ref src, (nuint)i).ExtractMostSignificantBits();
                uint hi = Vector256.LoadUnsafe(ref src, (nuint)(i + 32)).ExtractMostSignificantBits();
                words[w] = ~(((ulong)hi << 32) | lo);
            }
        }

        PackScalar(values[i..], words[w..wordCount]);
    }

    /// <summary>Scalar reference for <see cref="Pack"/>.</summary>
    public static void PackScalar(ReadOnlySpan<sbyte> values, Span<ulong> words)
    {
        int n = values.Length;
        int wordCount = WordCount(n);
        for (int w = 0; w < wordCount; w++)
        {
            ulong acc = 0;
            int start = w << 6;
            int end = Math.Min(n, start + 64);
            for (int i = start; i < end; i++)
            {
                if (values[i] >= 0)
                {
                    acc |= 1UL << (i - start);
                }
            }

            words[w] = acc;
        }
    }

    /// <summary>Unpacks <c>values.Length</c> bits into ±1 values.</summary>
    public static void Unpack(ReadOnlySpan<ulong> words, Span<sbyte> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = GetBit(words, i) ? (sbyte)1 : (sbyte)-1;
        }
    }

    /// <summary>True when bit <paramref name="index"/> is set (the value is +1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GetBit(ReadOnlySpan<ulong> words, int index) => ((words[index >> 6] >> (index & 63)) & 1UL) != 0;

    /// <summary>Number of positions where two packed vectors differ (padding bits must be zero in both).</summary>
    public static int HammingDistance(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        // Four independent sums: one chain of adds would wait on each popcount in turn.
        b = b[..a.Length];
        int d0 = 0, d1 = 0, d2 = 0, d3 = 0, w = 0;
        for (; w + 4 <= a.Length; w += 4)
        {
            d0 += BitOperations.PopCount(a[w] ^ b[w]);
            d1 += BitOperations.PopCount(a[w + 1] ^ b[w + 1]);
            d2 += BitOperations.PopCount(a[w + 2] ^ b[w + 2]);
            d3 += BitOperations.PopCount(a[w + 3] ^ b[w + 3]);
        }

        for (; w < a.Length; w++)
        {
            d0 += BitOperations.PopCount(a[w] ^ b[w]);
        }

        return d0 + d1 + d2 + d3;
    }
}
