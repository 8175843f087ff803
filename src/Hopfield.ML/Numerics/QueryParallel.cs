using System.Diagnostics;

namespace Hopfield.ML.Numerics;

/// <summary>
/// Runs work over query blocks, in parallel when asked. By default the blocks have a fixed size: their boundaries
/// depend only on the query count and <c>blockSize</c>, never on the thread count. With a smaller
/// <c>minBlockSize</c> and more than one worker, the blocks shrink as the work runs out (guided self-scheduling: each
/// takes about 1/(2·workers) of the rows left, a multiple of <c>minBlockSize</c>, at most <c>blockSize</c>), so that a
/// worker whose core runs slower takes fewer rows instead of holding up the call; the boundaries then depend on
/// timing, which is only for callers whose results do not depend on them.
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

    /// <summary>
    /// As above; <paramref name="release"/> receives each worker's scratch when the worker is done (for pooling).
    /// <paramref name="minBlockSize"/> (0: <paramref name="blockSize"/>) below <paramref name="blockSize"/> lets the
    /// blocks shrink towards it as the work runs out (see the class remarks).
    /// </summary>
    public static void For<TScratch>(int count, int blockSize, int threads, Func<TScratch> createScratch, Action<int, int, TScratch> body, Action<TScratch>? release, int minBlockSize = 0)
    {
        if (count <= 0)
        {
            return;
        }

        blockSize = Math.Max(1, blockSize);
        int workers = Math.Min(ResolveThreads(threads), Environment.ProcessorCount);
        int granule = minBlockSize <= 0 || workers == 1 ? blockSize : Math.Min(minBlockSize, blockSize);
        workers = Math.Min(workers, (count + granule - 1) / granule);
        var job = new Job<TScratch>(count, blockSize, granule, workers, createScratch, body, release);
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

    /// <summary>
    /// Rows of the next block when <paramref name="remaining"/> are left: <paramref name="blockSize"/> when the granule
    /// is the block size (fixed blocks), otherwise about remaining / (2·workers) rounded up to a multiple of the granule,
    /// between the granule and <paramref name="blockSize"/>; never more than <paramref name="remaining"/>.
    /// </summary>
    internal static int BlockLength(int remaining, int blockSize, int granule, int workers)
    {
        int length = blockSize;
        if (granule < blockSize)
        {
            long share = ((long)remaining + (2L * workers) - 1) / (2L * workers);
            share = (share + granule - 1) / granule * granule;
            length = (int)Math.Clamp(share, granule, blockSize);
        }

        return Math.Min(length, remaining);
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

    /// <summary>One call: a row cursor the caller and up to <c>workers − 1</c> helpers take blocks from.</summary>
    private abstract class Job
    {
        private readonly int _count;
        private readonly int _blockSize;
        private readonly int _granule;
        private readonly int _workers;
        private int _nextRow;
        private int _helpers;
        private int _active;
        private Exception? _failure;

        protected Job(int count, int blockSize, int granule, int workers)
        {
            _count = count;
            _blockSize = blockSize;
            _granule = granule;
            _workers = workers;
        }

        public bool HasWork => Volatile.Read(ref _nextRow) < _count && Volatile.Read(ref _helpers) < _workers - 1;

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
                if (Interlocked.Increment(ref _helpers) > _workers - 1)
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

        /// <summary>Takes the next block (first row, length); false when no rows are left.</summary>
        protected bool Claim(out int start, out int length)
        {
            while (true)
            {
                start = Volatile.Read(ref _nextRow);
                if (start >= _count)
                {
                    length = 0;
                    return false;
                }

                length = BlockLength(_count - start, _blockSize, _granule, _workers);
                if (Interlocked.CompareExchange(ref _nextRow, start + length, start) == start)
                {
                    return true;
                }
            }
        }

        protected void Fail(Exception ex)
        {
            Interlocked.CompareExchange(ref _failure, ex, null);
            Interlocked.Exchange(ref _nextRow, _count);
        }
    }

    private sealed class Job<TScratch>(int count, int blockSize, int granule, int workers, Func<TScratch> createScratch, Action<int, int, TScratch> body, Action<TScratch>? release)
        : Job(count, blockSize, granule, workers)
    {
        public override void Work()
        {
            if (!Claim(out int start, out int length))
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
                    body(start, length, scratch);
                }
                while (Claim(out start, out length));
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
