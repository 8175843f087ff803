using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Memories.Universal;

public class WorkingMemoryTests
{
    [Theory]
    [InlineData(SimilarityFunction.Dot, SeparationFunction.Softmax)]
    [InlineData(SimilarityFunction.NegativeEuclidean, SeparationFunction.Softmax)]
    [InlineData(SimilarityFunction.NegativeManhattan, SeparationFunction.Max)]
    [InlineData(SimilarityFunction.Cosine, SeparationFunction.TopKSoftmax)]
    public void FusedRetrievalAllocatesTheSameForAThousandAndTwentyThousandPatterns(SimilarityFunction sim, SeparationFunction sep)
    {
        const int dim = 16, queries = 200;
        float[] q = TestData.Gaussian(5, queries * dim);
        long small = Allocated(1000, dim, q, queries, sim, sep);
        long large = Allocated(20000, dim, q, queries, sim, sep);

        // The score row for 20,000 patterns alone would be 80 kB per query; the fused path needs tile-sized scratch only.
        Assert.True(Math.Abs(large - small) <= 4096, $"allocated {small} bytes for P = 1000 but {large} bytes for P = 20000");
        Assert.True(large < (long)queries * 20000 * sizeof(float) / 10, $"allocated {large} bytes");
    }

    private static long Allocated(int count, int dim, float[] q, int queries, SimilarityFunction sim, SeparationFunction sep)
    {
        float[] keys = TestData.Gaussian(count, count * dim);
        var memory = new UniversalHopfieldMemory(keys, count, default, new UniversalHopfieldOptions { Similarity = sim, Separation = sep, TopK = 4, Threads = 1 });
        var outputs = new float[queries * dim];
        memory.RetrieveBatch(q, queries, outputs); // first call: JIT, statics

        // The least of three calls: a run-time service (tiering, a GC) may occasionally charge this thread once.
        long least = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            memory.RetrieveBatch(q, queries, outputs);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
