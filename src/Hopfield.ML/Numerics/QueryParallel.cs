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

        // Self-scheduling over a shared block counter, one block at a time, the calling thread included. With few
        // blocks (B = 1000 is 8 blocks of 126) Parallel.For's growing range chunks can hand one worker 5 blocks and the
        // other 3; taking blocks one by one keeps every core busy to the end.
        int next = -1;
        void Work()
        {
            TScratch scratch = createScratch();
            try
            {
                int b;
                while ((b = Interlocked.Increment(ref next)) < blocks)
                {
                    int start = b * blockSize;
                    body(start, Math.Min(blockSize, count - start), scratch);
                }
            }
            finally
            {
                release?.Invoke(scratch);
            }
        }

        var helpers = new Task[workers - 1];
        for (int w = 0; w < helpers.Length; w++)
        {
            helpers[w] = Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
        }

        Exception? own = null;
        try
        {
            Work();
        }
        catch (Exception ex)
        {
            own = ex;
            Interlocked.Exchange(ref next, blocks); // let the helpers stop early
        }

        try
        {
            Task.WaitAll(helpers);
        }
        catch (AggregateException ex) when (own is null)
        {
            throw ex.InnerExceptions.Count == 1 ? ex.InnerExceptions[0] : ex;
        }
        catch (AggregateException) when (own is not null)
        {
            // the caller's own failure is reported below
        }

        if (own is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(own).Throw();
        }
    }
}
