using System.Runtime.Intrinsics;

namespace Hopfield.ML.Memories;

/// <summary>Helpers for bipolar (±1) state vectors: conversion, validation, overlap, random patterns and corruption.</summary>
public static class BipolarVector
{
    /// <summary>Converts booleans to ±1 (true → +1, false → −1).</summary>
    /// <param name="values">The booleans.</param>
    /// <returns>A new ±1 vector of the same length.</returns>
    public static sbyte[] FromBooleans(ReadOnlySpan<bool> values)
    {
        var result = new sbyte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i] ? (sbyte)1 : (sbyte)-1;
        }

        return result;
    }

    /// <summary>Converts real values to ±1 by their sign around a threshold (value ≥ threshold → +1, else −1).</summary>
    /// <param name="values">The values; NaN is rejected.</param>
    /// <param name="threshold">The threshold (default 0; use 0.5 for pixels scaled to [0, 1]).</param>
    /// <returns>A new ±1 vector of the same length.</returns>
    /// <exception cref="ArgumentException">A value is NaN.</exception>
    public static sbyte[] FromSigns(ReadOnlySpan<float> values, float threshold = 0f)
    {
        var result = new sbyte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (float.IsNaN(v))
            {
                throw new ArgumentException($"values[{i}] is NaN; cannot take its sign.", nameof(values));
            }

            result[i] = v >= threshold ? (sbyte)1 : (sbyte)-1;
        }

        return result;
    }

    /// <summary>Converts ±1 values to booleans (+1 → true).</summary>
    /// <param name="state">A ±1 vector.</param>
    /// <returns>A new boolean array.</returns>
    public static bool[] ToBooleans(ReadOnlySpan<sbyte> state)
    {
        Validate(state, state.Length, nameof(state));
        var result = new bool[state.Length];
        for (int i = 0; i < state.Length; i++)
        {
            result[i] = state[i] > 0;
        }

        return result;
    }

    /// <summary>The normalised overlap (1/N) Σ a_i b_i, in [−1, 1]; 1 means identical.</summary>
    /// <param name="a">A ±1 vector.</param>
    /// <param name="b">A ±1 vector of the same length.</param>
    /// <returns>The overlap.</returns>
    /// <exception cref="ArgumentException">Lengths differ, vectors are empty, or a value is not ±1.</exception>
    public static double Overlap(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        if (a.Length == 0)
        {
            throw new ArgumentException("Cannot compute the overlap of empty vectors.", nameof(a));
        }

        Validate(a, a.Length, nameof(a));
        Validate(b, a.Length, nameof(b));
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return (double)sum / a.Length;
    }

    /// <summary>Fraction of positions where two ±1 vectors differ (for example the wrong-pixel fraction of a repaired image).</summary>
    /// <param name="a">A ±1 vector.</param>
    /// <param name="b">A ±1 vector of the same length.</param>
    /// <returns>The fraction in [0, 1].</returns>
    public static double MismatchFraction(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b) => (1.0 - Overlap(a, b)) / 2.0;

    /// <summary>A uniformly random ±1 vector.</summary>
    /// <param name="length">Length (≥ 1).</param>
    /// <param name="random">Random source.</param>
    /// <returns>The vector.</returns>
    public static sbyte[] Random(int length, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (length < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Length must be at least 1 (got {length}).");
        }

        var result = new sbyte[length];
        FillRandom(result, random);
        return result;
    }

    /// <summary>Copies a ±1 vector and flips exactly round(fraction × N) distinct, randomly chosen positions.</summary>
    /// <param name="state">The ±1 vector to corrupt.</param>
    /// <param name="fraction">Fraction of positions to flip, in [0, 1].</param>
    /// <param name="random">Random source.</param>
    /// <returns>The corrupted copy.</returns>
    public static sbyte[] Corrupt(ReadOnlySpan<sbyte> state, double fraction, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Validate(state, state.Length, nameof(state));
        if (!(fraction >= 0 && fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, $"Flip fraction must be in [0, 1] (got {fraction}).");
        }

        var result = state.ToArray();
        int flips = (int)Math.Round(fraction * state.Length);
        var index = new int[state.Length];
        for (int i = 0; i < index.Length; i++)
        {
            index[i] = i;
        }

        for (int k = 0; k < flips; k++)
        {
            int j = random.Next(k, index.Length);
            (index[k], index[j]) = (index[j], index[k]);
            result[index[k]] = (sbyte)-result[index[k]];
        }

        return result;
    }

    internal static void FillRandom(Span<sbyte> destination, Random random)
    {
        Span<byte> buffer = stackalloc byte[256];
        for (int start = 0; start < destination.Length; start += buffer.Length * 8)
        {
            random.NextBytes(buffer);
            int end = Math.Min(destination.Length, start + (buffer.Length * 8));
            for (int i = start; i < end; i++)
            {
                int bit = i - start;
                destination[i] = ((buffer[bit >> 3] >> (bit & 7)) & 1) != 0 ? (sbyte)1 : (sbyte)-1;
            }
        }
    }

    /// <summary>Throws unless <paramref name="values"/> has length <paramref name="expectedLength"/> and holds only −1 and +1.</summary>
    internal static void Validate(ReadOnlySpan<sbyte> values, int expectedLength, string paramName)
    {
        if (values.Length != expectedLength)
        {
            throw new ArgumentException(
                $"{paramName} has length {values.Length}; expected {expectedLength} (one ±1 value per neuron).", paramName);
        }

        int start = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var plus = Vector256<sbyte>.One;
            var minus = Vector256<sbyte>.AllBitsSet;
            for (; start + 32 <= values.Length; start += 32)
            {
                var v = Vector256.Create(values.Slice(start, 32));
                if (!Vector256.EqualsAll(Vector256.Equals(v, plus) | Vector256.Equals(v, minus), Vector256<sbyte>.AllBitsSet))
                {
                    break; // the scalar loop below names the offending index
                }
            }
        }

        for (int i = start; i < values.Length; i++)
        {
            sbyte v = values[i];
            if (v != 1 && v != -1)
            {
                throw new ArgumentException($"{paramName}[{i}] = {v}; only -1 and +1 are allowed.", paramName);
            }
        }
    }
}
