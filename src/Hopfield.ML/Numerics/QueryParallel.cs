using System.Diagnostics;

namespace Hopfield.ML.Numerics;

/// <summary>
/// Runs work over fixed-size query blocks, in parallel when asked. Block boundaries depend only on the
/// query count and <c>blockSize</c>, never on the thread count, so results are identical for any number of threads.
/// <para>
/// The helpers are persistent background threads (one fewer than the processors) that take blocks from a shared
/// counter, the calling thread included. After a call they spin for <see cref="SpinMilliseconds"/> before they sleep,
/// so that back-to-back batches find them awake: on a virtual machine a sleeping helper's core goes idle, and waking it
/// took up to 4 ms (measured with thread-pool tasks: with two blocks of 10 ms, that delay was added to the batch). A
/// call made while the helpers serve another one (concurrent callers) runs its blocks on the calling thread alone,
/// which only costs speed.
/// </para>
/// </summary>
internal static class QueryParallel
{
    /// <summary>How long an idle helper keeps spinning for the next call before it sleeps.</summary>
    internal const double SpinMilliseconds = 2;

    private static readonly object Gate = new();
    private static readonly long SpinTicks = (long)(SpinMilliseconds * Stopwatch.Frequency / 1000);
    private static Job? _posted;
    private static int _sleepers;
    private static int _started;

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

        int workers = Math.Min(Math.Min(ResolveThreads(threads), blocks), Environment.ProcessorCount);
        var job = new Job<TScratch>(count, blockSize, blocks, workers - 1, createScratch, body, release);
        if (workers > 1)
        {
            Post(job);
        }

        job.Work();
        if (workers > 1)
        {
            Interlocked.CompareExchange(ref _posted, null, job);
            job.WaitForHelpers();
        }

        job.Rethrow();
    }

    private static void Post(Job job)
    {
        if (Volatile.Read(ref _started) == 0)
        {
            StartHelpers();
        }

        Volatile.Write(ref _posted, job);
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _sleepers) > 0)
        {
            lock (Gate)
            {
                Monitor.PulseAll(Gate);
            }
        }
    }

    private static void StartHelpers()
    {
        lock (Gate)
        {
            if (_started != 0)
            {
                return;
            }

            for (int i = 0; i < Environment.ProcessorCount - 1; i++)
            {
                var thread = new Thread(HelperLoop) { IsBackground = true, Name = $"Hopfield.ML helper {i + 1}" };
                thread.Start();
            }

            Volatile.Write(ref _started, 1);
        }
    }

    private static void HelperLoop()
    {
        long idleSince = Stopwatch.GetTimestamp();
        while (true)
        {
            var job = Volatile.Read(ref _posted);
            if (job is not null && job.TryHelp())
            {
                idleSince = Stopwatch.GetTimestamp();
                continue;
            }

            if (Stopwatch.GetTimestamp() - idleSince < SpinTicks)
            {
                Thread.SpinWait(50);
                continue;
            }

            lock (Gate)
            {
                _sleepers++;
                Interlocked.MemoryBarrier();
                while (Volatile.Read(ref _posted) is not { HasWork: true })
                {
                    Monitor.Wait(Gate);
                }

                _sleepers--;
            }

            idleSince = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>One call: a block counter the caller and up to <c>maxHelpers</c> helpers take blocks from.</summary>
    private abstract class Job
    {
        private readonly int _maxHelpers;
        private int _next = -1;
        private int _helpers;
        private int _active;
        private Exception? _failure;

        protected Job(int blocks, int maxHelpers)
        {
            Blocks = blocks;
            _maxHelpers = maxHelpers;
        }

        public bool HasWork => Volatile.Read(ref _next) + 1 < Blocks && Volatile.Read(ref _helpers) < _maxHelpers;

        protected int Blocks { get; }

        /// <summary>Joins as a helper if the call still has blocks and room for one; returns whether it did.</summary>
        public bool TryHelp()
        {
            if (!HasWork)
            {
                return false;
            }

            Interlocked.Increment(ref _active);
            try
            {
                if (Interlocked.Increment(ref _helpers) > _maxHelpers)
                {
                    return false;
                }

                Work();
                return true;
            }
            finally
            {
                Interlocked.Decrement(ref _active);
            }
        }

        /// <summary>After the caller has run out of blocks: waits until every helper has finished its block.</summary>
        public void WaitForHelpers()
        {
            var spin = default(SpinWait);
            while (Volatile.Read(ref _active) != 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }

        public void Rethrow()
        {
            if (_failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_failure).Throw();
            }
        }

        /// <summary>Takes blocks until none are left; the first failure stops the others from taking more.</summary>
        public abstract void Work();

        /// <summary>The next block to run (≥ <see cref="Blocks"/> when none is left).</summary>
        protected int Claim() => Interlocked.Increment(ref _next);

        protected void Fail(Exception ex)
        {
            Interlocked.CompareExchange(ref _failure, ex, null);
            Interlocked.Exchange(ref _next, Blocks);
        }
    }

    private sealed class Job<TScratch>(int count, int blockSize, int blocks, int maxHelpers, Func<TScratch> createScratch, Action<int, int, TScratch> body, Action<TScratch>? release)
        : Job(blocks, maxHelpers)
    {
        public override void Work()
        {
            int b = Claim();
            if (b >= Blocks)
            {
                return;
            }

            TScratch scratch;
            try
            {
                scratch = createScratch();
            }
            catch (Exception ex)
            {
                Fail(ex);
                return;
            }

            try
            {
                do
                {
                    int start = b * blockSize;
                    body(start, Math.Min(blockSize, count - start), scratch);
                }
                while ((b = Claim()) < Blocks);
            }
            catch (Exception ex)
            {
                Fail(ex);
            }
            finally
            {
                release?.Invoke(scratch);
            }
        }
    }
}
