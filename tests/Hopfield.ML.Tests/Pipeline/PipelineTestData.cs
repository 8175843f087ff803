using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Tests.Pipeline;

/// <summary>Seeded synthetic data shared by the pipeline and classification tests.</summary>
internal static class PipelineTestData
{
    /// <summary>Gaussian blobs: class c centred at a random point in [-spread, spread]^d, unit noise.</summary>
    public static (float[] X, int[] Y) Blobs(int classes, int perClass, int dim, int seed, float spread = 6f, float noise = 1f, int centreSeed = 12345)
    {
        var centreRng = new Random(centreSeed);
        var centres = new float[classes * dim];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = (float)(((centreRng.NextDouble() * 2) - 1) * spread);
        }

        var rng = new Random(seed);
        int n = classes * perClass;
        var x = new float[n * dim];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % classes;
            y[i] = c;
            for (int j = 0; j < dim; j++)
            {
                x[(i * dim) + j] = centres[(c * dim) + j] + (noise * Gaussian(rng));
            }
        }

        return (x, y);
    }

    public static float Gaussian(Random rng)
    {
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    public static DataSet BlobSet(HopfieldContext ctx, int classes, int perClass, int dim, int seed)
    {
        var (x, y) = Blobs(classes, perClass, dim, seed);
        return ctx.Data.FromArrays("Features", x, dim, "Label", y, classes);
    }
}
