using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hopfield.ML.Numerics;

/// <summary>
/// bfloat16 storage: the upper 16 bits of an IEEE single (8 exponent bits, 7 mantissa bits, ~3 significant digits).
/// Encoding rounds to nearest, ties to even; decoding is exact (a 16-bit shift), so a decoded value equals the
/// rounded single exactly.
/// </summary>
internal static unsafe class BFloat16
{
    /// <summary>Rounds a finite single to bfloat16 (nearest, ties to even).</summary>
    public static ushort FromSingle(float x)
    {
        uint bits = BitConverter.SingleToUInt32Bits(x);
        bits += 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)(bits >> 16);
    }

    /// <summary>The single a bfloat16 stands for.</summary>
    public static float ToSingle(ushort h) => BitConverter.UInt32BitsToSingle((uint)h << 16);

    /// <summary>Encodes every element of <paramref name="source"/>.</summary>
    public static void FromSingle(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = FromSingle(source[i]);
        }
    }

    /// <summary>Decodes n values from <paramref name="source"/> into <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToSingle(SimdLevel level, ushort* source, float* destination, nint n)
    {
        nint i = 0;
        if (level == SimdLevel.Vector512)
        {
            for (; i + 32 <= n; i += 32)
            {
                var (lo, hi) = Vector512.Widen(Vector512.Load(source + i));
                Vector512.ShiftLeft(lo, 16).AsSingle().Store(destination + i);
                Vector512.ShiftLeft(hi, 16).AsSingle().Store(destination + i + 16);
            }
        }
        else if (level >= SimdLevel.Vector128)
        {
            for (; i + 8 <= n; i += 8)
            {
                var (lo, hi) = Vector128.Widen(Vector128.Load(source + i));
                Vector128.ShiftLeft(lo, 16).AsSingle().Store(destination + i);
                Vector128.ShiftLeft(hi, 16).AsSingle().Store(destination + i + 4);
            }
        }

        for (; i < n; i++)
        {
            destination[i] = ToSingle(source[i]);
        }
    }
}
