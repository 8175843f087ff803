using System.Runtime.Intrinsics;

namespace Hopfield.ML.Numerics;

/// <summary>
/// One step of a score chain acc ← step(q, key, acc), at every vector width and in scalar form. The kernels that must
/// agree bit for bit (<see cref="PackedDistance"/>'s packed tiles and <see cref="ExactChains"/>' scattered rows) take
/// the same step type, so a chain computes the same float whichever kernel runs it. <see cref="VectorKernels"/> takes
/// them too, for its single-pair sums (in another order: those are within rounding, not bit for bit).
/// Every step is symmetric in q and key up to exact operations (negation, commuted products).
/// </summary>
internal interface IChainStep
{
    /// <summary>Sixteen lanes.</summary>
    static abstract Vector512<float> Step(Vector512<float> q, Vector512<float> key, Vector512<float> acc);

    /// <summary>Eight lanes.</summary>
    static abstract Vector256<float> Step(Vector256<float> q, Vector256<float> key, Vector256<float> acc);

    /// <summary>Four lanes.</summary>
    static abstract Vector128<float> Step(Vector128<float> q, Vector128<float> key, Vector128<float> acc);

    /// <summary>One lane.</summary>
    static abstract float Step(float q, float key, float acc);
}

/// <summary>acc ← fma(q, key, acc): dot products.</summary>
internal readonly struct Product : IChainStep
{
    /// <inheritdoc/>
    public static Vector512<float> Step(Vector512<float> q, Vector512<float> key, Vector512<float> acc) => Vector512.FusedMultiplyAdd(key, q, acc);

    /// <inheritdoc/>
    public static Vector256<float> Step(Vector256<float> q, Vector256<float> key, Vector256<float> acc) => Vector256.FusedMultiplyAdd(key, q, acc);

    /// <inheritdoc/>
    public static Vector128<float> Step(Vector128<float> q, Vector128<float> key, Vector128<float> acc) => Vector128.FusedMultiplyAdd(key, q, acc);

    /// <inheritdoc/>
    public static float Step(float q, float key, float acc) => MathF.FusedMultiplyAdd(q, key, acc);
}

/// <summary>acc ← acc + |key − q|: Manhattan distances.</summary>
internal readonly struct AbsoluteDifference : IChainStep
{
    /// <inheritdoc/>
    public static Vector512<float> Step(Vector512<float> q, Vector512<float> key, Vector512<float> acc) => acc + Vector512.Abs(key - q);

    /// <inheritdoc/>
    public static Vector256<float> Step(Vector256<float> q, Vector256<float> key, Vector256<float> acc) => acc + Vector256.Abs(key - q);

    /// <inheritdoc/>
    public static Vector128<float> Step(Vector128<float> q, Vector128<float> key, Vector128<float> acc) => acc + Vector128.Abs(key - q);

    /// <inheritdoc/>
    public static float Step(float q, float key, float acc) => acc + MathF.Abs(key - q);
}

/// <summary>d = key − q, acc ← fma(d, d, acc): squared Euclidean distances.</summary>
internal readonly struct SquaredDifference : IChainStep
{
    /// <inheritdoc/>
    public static Vector512<float> Step(Vector512<float> q, Vector512<float> key, Vector512<float> acc)
    {
        var d = key - q;
        return Vector512.FusedMultiplyAdd(d, d, acc);
    }

    /// <inheritdoc/>
    public static Vector256<float> Step(Vector256<float> q, Vector256<float> key, Vector256<float> acc)
    {
        var d = key - q;
        return Vector256.FusedMultiplyAdd(d, d, acc);
    }

    /// <inheritdoc/>
    public static Vector128<float> Step(Vector128<float> q, Vector128<float> key, Vector128<float> acc)
    {
        var d = key - q;
        return Vector128.FusedMultiplyAdd(d, d, acc);
    }

    /// <inheritdoc/>
    public static float Step(float q, float key, float acc)
    {
        float d = key - q;
        return MathF.FusedMultiplyAdd(d, d, acc);
    }
}
