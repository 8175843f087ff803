namespace Hopfield.ML.Numerics;

/// <summary>
/// Runs work over fixed-size query blocks, in parallel when asked. Block boundaries depend only on the
/// query count and <c>blockSize</c>, never on the thread count, so results are identical for any number of threads.
/// </summary>
internal static class QueryParallel
{
    /// <summary>Resolves a user thread setting: 0 means all processors.</summary>
    public static int ResolveThreads(int threads) => threads <= 0 ? Environment.ProcessorCount : threads;

    /// <summary>Calls <paramref name="body"/>(start, length, scratch) for each block; one scratch per worker.</summary>
    public static void For<TScratch>(int count, int blockSize, int threads, Func<TScratch> createScratch, Action<int, int, TScratch> body) =>
        For(count, blockSize, threads, createScratch, body, null);

    /// <summary>As above; <paramref name="release"/> receives each worker's scratch when the worker is done (for pooling).</summary>
    public static void For<TScratch>(int count, int blockSize, int threads, Func<TScratch> createScratch, Action<int, int, TScratch> body, Action<TScratch>? release)
    {
        int blocks = (count + blockSize - 1) / blockSize;
        if (blocks == 0)
        {
            return;
        }

        int workers = Math.Min(ResolveThreads(threads), blocks);
        if (workers <= 1)
        {
            TScratch scratch = createScratch();
            for (int b = 0; b < blocks; b++)
            {
                int start = b * blockSize;
                body(start, Math.Min(blockSize, count - start), scratch);
            }

            release?.Invoke(scratch);
            return;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = workers };
        Parallel.For(
            0,
            blocks,
            options,
            createScratch,
            (b, _, scratch) =>
            {
                int start = b * blockSize;
                body(start, Math.Min(blockSize, count - start), scratch);
                return scratch;
            },
            scratch => release?.Invoke(scratch));
    }
}
