using Hopfield.ML.Onnx.Export;

namespace Hopfield.ML.Onnx.Tests;

/// <summary>Small models built with the project's own ONNX writer, and reference maths in plain C#.</summary>
internal static class TestModels
{
    /// <summary>Y = X·W + b, X [batch, n], W [n, m].</summary>
    public static byte[] Linear(float[] w, float[] bias, int n, int m)
    {
        var b = new OnnxModelBuilder("linear");
        b.AddInput("x", "batch", n);
        b.AddInitializer("w", w, n, m);
        b.AddInitializer("b", bias, m);
        b.AddNode("MatMul", ["x", "w"], ["xw"]);
        b.AddNode("Add", ["xw", "b"], ["y"]);
        b.AddOutput("y", "batch", m);
        return b.Build();
    }

    public static float[] LinearReference(float[] x, int rows, float[] w, float[] bias, int n, int m)
    {
        float[] y = new float[rows * m];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < m; j++)
            {
                double s = bias[j];
                for (int k = 0; k < n; k++)
                {
                    s += (double)x[(r * n) + k] * w[(k * m) + j];
                }

                y[(r * m) + j] = (float)s;
            }
        }

        return y;
    }

    public static float[] Random(int length, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        float[] a = new float[length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)((rng.NextDouble() * 2) - 1) * scale;
        }

        return a;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                MathF.Abs(expected[i] - actual[i]) <= tolerance,
                $"Index {i}: expected {expected[i]}, actual {actual[i]} (tolerance {tolerance}).");
        }
    }
}
