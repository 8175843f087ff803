using System.Collections.Concurrent;
using Hopfield.ML.Numerics;

namespace Hopfield.ML.Tests.Numerics;

public class QueryParallelTests
{
    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(1000, 126, 2)]
    [InlineData(1000, 504, 0)]
    [InlineData(17, 5, 8)]
    [InlineData(300, 7, 3)]
    public void EveryQueryIsInExactlyOneBlockAndEveryScratchIsReleased(int count, int blockSize, int threads)
    {
        for (int call = 0; call < 20; call++)
        {
            var seen = new int[count];
            int created = 0;
            var released = new ConcurrentBag<object>();
            QueryParallel.For(
                count,
                blockSize,
                threads,
                () =>
                {
                    Interlocked.Increment(ref created);
                    return new object();
                },
                (start, length, scratch) =>
                {
                    Assert.Equal(0, start % blockSize);
                    Assert.Equal(Math.Min(blockSize, count - start), length);
                    for (int i = start; i < start + length; i++)
                    {
                        Interlocked.Increment(ref seen[i]);
                    }
                },
                released.Add);

            Assert.All(seen, s => Assert.Equal(1, s));
            Assert.Equal(created, released.Count);
            Assert.InRange(created, 1, Math.Max(1, Math.Min(Environment.ProcessorCount, (count + blockSize - 1) / blockSize)));
        }
    }

    [Theory]
    [InlineData(1000, 504, 42, 2)]
    [InlineData(1000, 504, 42, 0)]
    [InlineData(997, 126, 6, 3)]
    [InlineData(40, 504, 42, 2)]
    [InlineData(5000, 7, 3, 8)]
    public void GuidedBlocksCoverEveryQueryOnceAndShrinkInMultiplesOfTheMinimum(int count, int blockSize, int minBlockSize, int threads)
    {
        for (int call = 0; call < 20; call++)
        {
            var ordered = RunBlocks(count, blockSize, threads, BlockSchedule.Guided, minBlockSize);
            bool guided = Math.Min(QueryParallel.ResolveThreads(threads), Environment.ProcessorCount) > 1;
            int granule = guided ? Math.Min(minBlockSize, blockSize) : blockSize;
            for (int b = 0; b < ordered.Length; b++)
            {
                var (start, length) = ordered[b];
                bool last = start + length == count;
                Assert.InRange(length, 1, blockSize);
                Assert.True(last || length == blockSize || length % granule == 0, $"block at {start} has {length} rows, not a multiple of {granule}");
                Assert.True(last || length >= granule, $"block at {start} has {length} rows, fewer than {granule}");
                if (b > 0)
                {
                    // Claimed in row order from a shrinking remainder: never longer than the block before.
                    Assert.True(length <= ordered[b - 1].Length || last, $"block at {start} ({length}) is longer than the one before ({ordered[b - 1].Length})");
                }
            }
        }
    }

    [Theory]
    [InlineData(1000, 504, 42, 2, 252)]
    [InlineData(748, 504, 42, 2, 210)]
    [InlineData(118, 504, 42, 2, 42)]
    [InlineData(30, 504, 42, 2, 30)]
    [InlineData(5000, 504, 42, 2, 504)]
    [InlineData(1000, 504, 504, 2, 504)]
    [InlineData(496, 504, 504, 2, 496)]
    public void GuidedBlockLengthTakesAQuarterOfTheRestForTwoWorkers(int remaining, int blockSize, int granule, int workers, int expected) =>
        Assert.Equal(expected, QueryParallel.BlockLength(remaining, blockSize, granule, workers));

    [Fact]
    public void AFailingBlockIsReportedToTheCallerAndLaterCallsStillRun()
    {
        for (int failing = 0; failing < 8; failing++)
        {
            int bad = failing;
            var ex = Assert.Throws<InvalidOperationException>(() => QueryParallel.For(
                80,
                10,
                0,
                () => 0,
                (start, length, _) =>
                {
                    if (start / 10 == bad)
                    {
                        throw new InvalidOperationException($"block {bad}");
                    }
                }));
            Assert.Equal($"block {bad}", ex.Message);

            int sum = 0;
            QueryParallel.For(80, 10, 0, () => 0, (start, length, _) => Interlocked.Add(ref sum, length));
            Assert.Equal(80, sum);
        }
    }

    [Fact]
    public void ConcurrentAndNestedCallsAllComplete()
    {
        // Callers that find the helpers busy run alone; a call from inside a block runs too (no deadlock).
        var totals = new int[6];
        Parallel.For(0, totals.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, c =>
        {
            for (int round = 0; round < 30; round++)
            {
                QueryParallel.For(64, 8, 0, () => 0, (start, length, _) =>
                {
                    int inner = 0;
                    QueryParallel.For(length, 2, 0, () => 0, (s, l, _) => Interlocked.Add(ref inner, l));
                    Assert.Equal(length, inner);
                    Interlocked.Add(ref totals[c], length);
                });
            }
        });

        Assert.All(totals, t => Assert.Equal(30 * 64, t));
    }

    /// <summary>
    /// Runs one call that records its blocks; asserts every query was in exactly one block and returns the blocks.
    /// </summary>
    internal static (int Start, int Length)[] RunBlocks(int count, int blockSize, int threads, BlockSchedule schedule, int granule)
    {
        var seen = new int[count];
        var blocks = new ConcurrentBag<(int Start, int Length)>();
        QueryParallel.For(
            count,
            blockSize,
            threads,
            () => 0,
            (start, length, _) =>
            {
                blocks.Add((start, length));
                for (int i = start; i < start + length; i++)
                {
                    Interlocked.Increment(ref seen[i]);
                }
            },
            null,
            schedule,
            granule);

        Assert.All(seen, s => Assert.Equal(1, s));
        return blocks.OrderBy(b => b.Start).ToArray();
    }
}
