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
}
