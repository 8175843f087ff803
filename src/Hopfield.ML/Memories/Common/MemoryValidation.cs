using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Hopfield.ML.Memories.Common;

/// <summary>Shared argument checks for the memories, with messages that name the row and element at fault.</summary>
internal static class MemoryValidation
{
    /// <summary>Throws if <paramref name="data"/> is not exactly rows × dimension long or holds a NaN/infinity.</summary>
    public static void CheckMatrix(ReadOnlySpan<float> data, int rows, int dimension, string paramName, string rowName)
    {
        long expected = (long)rows * dimension;
        if (data.Length != expected)
        {
            throw new ArgumentException(
                $"Expected {rows} {rowName}(s) × {dimension} = {expected} values in '{paramName}', got {data.Length}.",
                paramName);
        }

        CheckFinite(data, dimension, paramName, rowName);
    }

    /// <summary>Throws naming the first non-finite value as row/element.</summary>
    public static void CheckFinite(ReadOnlySpan<float> data, int dimension, string paramName, string rowName)
    {
        if (AllFinite(data))
        {
            return;
        }

        for (int i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i]))
            {
                throw new ArgumentException(
                    $"{Capitalize(rowName)} {i / dimension} contains {Describe(data[i])} at element {i % dimension}; all values must be finite.",
                    paramName);
            }
        }
    }

    /// <summary>
    /// Throws like <see cref="CheckFinite"/> if a value is NaN or infinite; otherwise returns the largest |x| (0 for an
    /// empty span). One vectorised pass for both: a running maximum of |x| and a running sum of x − x, which is 0 for
    /// finite x and NaN once a NaN or an infinity has been seen.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static float CheckFiniteMaxAbs(ReadOnlySpan<float> data, int dimension, string paramName, string rowName)
    {
        float largest = 0, check = 0;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float p = ref MemoryMarshal.GetReference(data);
            var max = Vector512<float>.Zero;
            var sum = Vector512<float>.Zero;
            for (; i + 16 <= data.Length; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref p, (nuint)i);
                max = Vector512.MaxNative(max, Vector512.Abs(v));
                sum += v - v;
            }

            for (int j = 0; j < Vector512<float>.Count; j++)
            {
                largest = Math.Max(largest, max.GetElement(j));
                check += sum.GetElement(j);
            }
        }

        for (; i < data.Length; i++)
        {
            float v = data[i];
            largest = Math.Max(largest, Math.Abs(v));
            check += v - v;
        }

        if (check != 0 || !float.IsFinite(largest))
        {
            CheckFinite(data, dimension, paramName, rowName);
        }

        return largest;
    }

    /// <summary>Fast vectorised test: x − x is 0 for finite x and NaN for NaN or ±infinity.</summary>
    private static bool AllFinite(ReadOnlySpan<float> data)
    {
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(data);
            foreach (var v in vectors)
            {
                if (!System.Numerics.Vector.EqualsAll(v - v, System.Numerics.Vector<float>.Zero))
                {
                    return false;
                }
            }

            i = vectors.Length * System.Numerics.Vector<float>.Count;
        }

        for (; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Flattens jagged rows, checking that every row exists and has the same length.</summary>
    public static float[] Flatten(float[][] rows, string paramName, string rowName, out int dimension)
    {
        ArgumentNullException.ThrowIfNull(rows, paramName);
        if (rows.Length == 0)
        {
            throw new ArgumentException($"At least one {rowName} is required; '{paramName}' is empty.", paramName);
        }

        if (rows[0] is null)
        {
            throw new ArgumentException($"{Capitalize(rowName)} 0 is null.", paramName);
        }

        dimension = rows[0].Length;
        if (dimension == 0)
        {
            throw new ArgumentException($"{Capitalize(rowName)} 0 has dimension 0.", paramName);
        }

        var flat = new float[checked(rows.Length * dimension)];
        for (int r = 0; r < rows.Length; r++)
        {
            float[] row = rows[r] ?? throw new ArgumentException($"{Capitalize(rowName)} {r} is null.", paramName);
            if (row.Length != dimension)
            {
                throw new ArgumentException(
                    $"{Capitalize(rowName)} {r} has dimension {row.Length}; {rowName} 0 has {dimension}.",
                    paramName);
            }

            row.CopyTo(flat, r * dimension);
        }

        return flat;
    }

    /// <summary>Throws unless <paramref name="beta"/> is finite and positive.</summary>
    public static void CheckBeta(float beta, string paramName)
    {
        if (!float.IsFinite(beta) || beta <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, beta, "Beta (inverse temperature) must be a finite number greater than 0.");
        }
    }

    /// <summary>Throws unless the span has exactly the length needed.</summary>
    public static void CheckLength(int actual, long expected, string paramName, string what)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"'{paramName}' must hold {what} = {expected} values; it has {actual}.", paramName);
        }
    }

    private static string Describe(float v) => float.IsNaN(v) ? "NaN" : (v > 0 ? "+infinity" : "-infinity");

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
