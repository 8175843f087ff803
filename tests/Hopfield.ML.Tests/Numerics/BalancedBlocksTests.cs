using System.Diagnostics;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Numerics;
using Hopfield.ML.Tests.Memories.Common;

namespace Hopfield.ML.Tests.Numerics;

/// <summary>Tests that set or read the relative speeds every balanced call shares run alone.</summary>
[CollectionDefinition(nameof(RelativeSpeedsCollection), DisableParallelization = true)]
public sealed class RelativeSpeedsCollection
{
}

[Collection(nameof(RelativeSpeedsCollection))]
public class BalancedBlocksTests
{
    [Theory]
    [InlineData(1000, 756, 6, new[] { 1.0, 1.0 }, new[] { 0, 498, 1000 })]
    [InlineData(1000, 756, 6, new[] { 1.0, 2.0 }, new[] { 0, 336, 1000 })]
    [InlineData(1000, 756, 6, new[] { 2.0, 1.0 }, new[] { 0, 666, 1000 })]
    [InlineData(1000, 504, 6, new[] { 1.0, 2.0 }, new[] { 0, 496, 1000 })] // the second block is capped at 504
    [InlineData(1000, 504, 6, new[] { 2.0, 1.0 }, new[] { 0, 504, 1000 })] // the first too
    [InlineData(100, 50, 1, new[] { 1.0, 1.0, 2.0 }, new[] { 0, 25, 50, 100 })]
    [InlineData(10, 8, 6, new[] { 1.0, 1.0 }, new[] { 0, 6, 10 })]
    [InlineData(7, 7, 6, new[] { 1.0, 1.0 }, new[] { 0, 6, 7 })]
    [InlineData(4, 6, 6, new[] { 1.0, 1.0 }, new[] { 0, 0, 4 })] // fewer rows than a granule: one empty block
    public void BoundsFollowTheSpeedsInGranulesWithinTheBlockSize(int count, int blockSize, int granule, double[] speeds, int[] expected) =>
        Assert.Equal(expected, QueryParallel.BalancedBounds(count, blockSize, granule, speeds));

    [Theory]
    [InlineData(1000, 756, 2)]
    [InlineData(1000, 504, 2)] // fits exactly: no room to move rows
    [InlineData(1000, 400, 2)] // does not fit one block per worker: fixed blocks
    [InlineData(997, 400, 3)]
    [InlineData(5, 6, 2)]
    [InlineData(300, 300, 0)]
    public void BalancedBlocksCoverEveryQueryOnceInAtMostOneBlockPerWorker(int count, int blockSize, int threads)
    {
        int workers = Math.Min(QueryParallel.ResolveThreads(threads), Environment.ProcessorCount);
        bool fits = (long)blockSize * workers >= count;
        foreach (double[] speeds in new[] { new[] { 1.0, 1.0, 1.0 }, new[] { 0.5, 2.0, 1.0 }, new[] { 2.0, 0.5, 1.5 } })
        {
            QueryParallel.SetRelativeSpeeds(speeds);
            var blocks = QueryParallelTests.RunBlocks(count, blockSize, threads, BlockSchedule.Balanced, 6);
            Assert.All(blocks, b => Assert.InRange(b.Length, 1, blockSize));
            if (fits)
            {
                Assert.InRange(blocks.Length, 1, workers);
            }
            else
            {
                Assert.All(blocks, b => Assert.Equal(0, b.Start % blockSize));
            }
        }

        QueryParallel.SetRelativeSpeeds([1.0, 1.0, 1.0]);
    }

    [Fact]
    public void AFailingBalancedBlockIsReportedAndTeachesNothing()
    {
        QueryParallel.SetRelativeSpeeds([1.0, 1.0]);
        foreach (bool first in new[] { true, false })
        {
            double[] before = QueryParallel.RelativeSpeeds;
            var ex = Assert.Throws<InvalidOperationException>(() => QueryParallel.For(
                1000,
                756,
                2,
                () => 0,
                (start, length, _) =>
                {
                    if ((start == 0) == first)
                    {
                        throw new InvalidOperationException($"block at {start}");
                    }
                },
                null,
                BlockSchedule.Balanced,
                6));
            Assert.StartsWith("block at", ex.Message, StringComparison.Ordinal);
            Assert.Equal(before, QueryParallel.RelativeSpeeds);

            int sum = 0;
            QueryParallel.For(1000, 756, 2, () => 0, (start, length, _) => Interlocked.Add(ref sum, length), null, BlockSchedule.Balanced, 6);
            Assert.Equal(1000, sum);
        }

        QueryParallel.SetRelativeSpeeds([1.0, 1.0]);
    }

    [Fact]
    public void ASlowerWorkerGetsFewerRowsInTheNextCalls()
    {
        if (Environment.ProcessorCount < 2)
        {
            return;
        }

        // The calling thread spends three times as long per row as the helper. Timing on a shared machine can flip a
        // single call (a preempted thread), so the split is judged over the later calls in which both took part.
        QueryParallel.SetRelativeSpeeds([1.0, 1.0]);
        var splits = new List<(int Caller, int Helper)>();
        for (int call = 0; call < 16; call++)
        {
            int callerRows = 0, helperRows = 0;
            QueryParallel.For(
                600,
                600,
                2,
                () => 0,
                (start, length, _) =>
                {
                    bool helper = Thread.CurrentThread.Name?.StartsWith("Hopfield.ML helper", StringComparison.Ordinal) ?? false;
                    Interlocked.Add(ref helper ? ref helperRows : ref callerRows, length);
                    long until = Stopwatch.GetTimestamp() + (length * (helper ? 1 : 3) * Stopwatch.Frequency / 200_000);
                    while (Stopwatch.GetTimestamp() < until)
                    {
                        Thread.SpinWait(20);
                    }
                },
                null,
                BlockSchedule.Balanced,
                6);
            Assert.Equal(600, callerRows + helperRows);
            if (call >= 4 && helperRows > 0)
            {
                splits.Add((callerRows, helperRows));
            }
        }

        QueryParallel.SetRelativeSpeeds([1.0, 1.0]);
        Assert.NotEmpty(splits);
        int fewer = splits.Count(x => x.Caller < x.Helper);
        Assert.True(2 * fewer > splits.Count, $"the slower caller got fewer rows in {fewer} of {splits.Count} calls: {string.Join(", ", splits)}");
    }

    [Theory]
    [InlineData(SimilarityFunction.Dot)]
    [InlineData(SimilarityFunction.NegativeEuclidean)]
    public void RetrievalDoesNotDependOnHowTheBatchIsSplit(SimilarityFunction similarity)
    {
        // 301 queries on two workers: one block each, split evenly or 1:4 either way, with the remembered speeds.
        const int count = 400, dim = 37, queries = 301;
        float[] keys = TestData.Gaussian(71, count * dim, 0.4f), q = TestData.Gaussian(72, queries * dim, 0.4f);
        var single = new UniversalHopfieldMemory(keys, count, default, new UniversalHopfieldOptions { Similarity = similarity, Beta = 1.5f, Threads = 1 });
        var expected = new float[queries * dim];
        single.RetrieveBatch(q, queries, expected);
        var two = new UniversalHopfieldMemory(keys, count, default, new UniversalHopfieldOptions { Similarity = similarity, Beta = 1.5f, Threads = 2 });
        foreach (double[] speeds in new[] { new[] { 1.0, 1.0 }, new[] { 0.5, 2.0 }, new[] { 2.0, 0.5 } })
        {
            QueryParallel.SetRelativeSpeeds(speeds);
            var output = new float[queries * dim];
            two.RetrieveBatch(q, queries, output);
            Assert.Equal(expected, output);
        }

        QueryParallel.SetRelativeSpeeds([1.0, 1.0]);
    }
}
