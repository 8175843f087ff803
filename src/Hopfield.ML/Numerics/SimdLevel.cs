using System.Runtime.Intrinsics;

namespace Hopfield.ML.Numerics;

/// <summary>Vector width a kernel runs at. Chosen at run time; tests force each supported level.</summary>
internal enum SimdLevel
{
    /// <summary>Plain scalar code (the reference path).</summary>
    Scalar = 0,

    /// <summary>128-bit vectors (SSE / NEON).</summary>
    Vector128 = 1,

    /// <summary>256-bit vectors (AVX2).</summary>
    Vector256 = 2,

    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512 = 3,
}

/// <summary>Which <see cref="SimdLevel"/> values this machine accelerates.</summary>
internal static class SimdCapabilities
{
    /// <summary>The widest accelerated level: Vector512 → Vector256 → Vector128 → scalar.</summary>
    public static SimdLevel Best { get; } = Detect();

    /// <summary>All levels this machine can run, scalar first.</summary>
    public static IReadOnlyList<SimdLevel> Supported { get; } =
        Enum.GetValues<SimdLevel>().Where(IsSupported).ToArray();

    /// <summary>Whether <paramref name="level"/> is hardware accelerated here.</summary>
    public static bool IsSupported(SimdLevel level) => level switch
    {
        SimdLevel.Scalar => true,
        SimdLevel.Vector128 => Vector128.IsHardwareAccelerated,
        SimdLevel.Vector256 => Vector256.IsHardwareAccelerated,
        SimdLevel.Vector512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };

    private static SimdLevel Detect()
    {
        if (Vector512.IsHardwareAccelerated)
        {
            return SimdLevel.Vector512;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            return SimdLevel.Vector256;
        }

        return Vector128.IsHardwareAccelerated ? SimdLevel.Vector128 : SimdLevel.Scalar;
    }
}
