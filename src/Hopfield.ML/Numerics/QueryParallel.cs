using System.Diagnostics;

namespace Hopfield.ML.Numerics;

/// <summary>
/// Runs work over query blocks, in parallel when asked, on one of three schedules (<see cref="BlockSchedule"/>).
/// <see cref="BlockSchedule.Fixed"/> blocks have a fixed size: their boundaries depend only on the query count and
/// <c>blockSize</c>, never on the thread count. <see cref="BlockSchedule.Guided"/> blocks shrink as the work runs out
/// (each takes about 1/(2·workers) of the rows left, a multiple of the granule, at most <c>blockSize</c>), so that a
/// worker whose core runs slower takes fewer rows instead of holding up the call. <see cref="BlockSchedule.Balanced"/>
/// gives each worker one block sized by how fast that worker ran in earlier balanced calls, for work that must not be
/// cut finer (every block streams the whole memory again). Guided and balanced boundaries depend on timing, which is
/// only for callers whose results do not depend on them.
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

    /// <summary>Bounds of a worker's relative speed (1 = the mean of a call's workers) as balanced blocks learn it.</summary>
    internal const double MinRelativeSpeed = 0.5, MaxRelativeSpeed = 2;

    /// <summary>
    /// Most that one balanced call's measurement can say a worker is faster (or, inverted, slower) than the mean: a
    /// call that meets cold code or memory (a thread's first touch of new scratch) can time one worker at twice the
    /// other's time; a slow core that stays slow is still learned within a few calls.
    /// </summary>
    internal const double MaxCallRatio = 1.5;

    private static readonly object Gate = new();
    private static readonly long SpinTicks = (long)(SpinMilliseconds * Stopwatch.Frequency / 1000);

    /// <summary>Each worker's relative speed in recent balanced calls: [0] the calling thread, [h] helper h.</summary>
    private static readonly double[] Speeds = Enumerable.Repeat(1.0, Environment.ProcessorCount).ToArray();
    private static Job? _posted;
    private static int _balancedCalls;
    private static int _sleepers;
    private static int _started;

    /// <summary>A copy of the remembered relative speeds: [0] the calling thread, [h] helper h.</summary>
    internal static double[] RelativeSpeeds
    {
        get
        {
            lock (Speeds)
            {
                return (double[])Speeds.Clone();
            }
        }
    }

    /// <summary>Sets the first remembered relative speeds (for tests), each clamped to the allowed range.</summary>
    internal static void SetRelativeSpeeds(ReadOnlySpan<double> speeds)
    {
        lock (Speeds)
        {
            for (int k = 0; k < Math.Min(speeds.Length, Speeds.Length); k++)
            {
                Speeds[k] = Math.Clamp(speeds[k], MinRelativeSpeed, MaxRelativeSpeed);
            }
        }
    }

    /// <summary>Resolves a user thread setting: 0 means all processors.</summary>
    public static int ResolveThreads(int threads) => threads <= 0 ? Environment.ProcessorCount : threads;

    /// <summary>Calls <paramref name="body"/>(start, length, scratch) for each block; one scratch per worker.</summary>
    public static void For<TScratch>(int count, int blockSize, int threads, Func<TScratch> createScratch, Action<int, int, TScratch> body) =>
        For(count, blockSize, threads, createScratch, body, null);

    /// <summary>
    /// As above; <paramref name="release"/> receives each worker's scratch when the worker is done (for pooling).
    /// <paramref name="schedule"/> picks how the rows are cut (see <see cref="BlockSchedule"/>). Blocks are never longer
    /// than <paramref name="blockSize"/>; guided blocks are multiples of <paramref name="granule"/> rows (0:
    /// <paramref name="blockSize"/>) except the last, and so are balanced ones (0: 1) unless the block size moves a
    /// boundary.
    /// </summary>
    public static void For<TScratch>(
        int count,
        int blockSize,
        int threads,
        Func<TScratch> createScratch,
        Action<int, int, TScratch> body,
        Action<TScratch>? release,
        BlockSchedule schedule = BlockSchedule.Fixed,
        int granule = 0)
    {
        if (count <= 0)
        {
            return;
        }

        blockSize = Math.Max(1, blockSize);
        int workers = Math.Min(ResolveThreads(threads), Environment.ProcessorCount);
        int[]? bounds = null;
        if (workers == 1 || schedule == BlockSchedule.Fixed || (schedule == BlockSchedule.Balanced && (long)blockSize * workers < count))
        {
            granule = blockSize;
        }
        else if (schedule == BlockSchedule.Guided)
        {
            granule = granule <= 0 ? blockSize : Math.Min(granule, blockSize);
        }
        else
        {
            granule = Math.Clamp(granule, 1, blockSize);
            lock (Speeds)
            {
                bounds = BalancedBounds(count, blockSize, granule, Speeds.AsSpan(0, workers));
            }
        }

        if (bounds is null)
        {
            workers = Math.Min(workers, (count + granule - 1) / granule);
        }

        var job = new Job<TScratch>(count, blockSize, granule, workers, bounds, createScratch, body, release);
        if (workers > 1)
        {
            Post(job);
        }

        job.Work(0);
        if (workers > 1)
        {
            Interlocked.CompareExchange(ref _posted, null, job);
            job.WaitForHelpers();
        }

        job.Rethrow();
        if (bounds is not null)
        {
            job.Learn();
        }
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

    /// <summary>
    /// Boundaries of one block per worker (length workers + 1, from 0 to <paramref name="count"/>), sized in proportion
    /// to <paramref name="speeds"/>, each block at most <paramref name="blockSize"/> rows (<paramref name="count"/> ≤
    /// blockSize · workers); each boundary a multiple of <paramref name="granule"/> unless that cap moves it.
    /// </summary>
    internal static int[] BalancedBounds(int count, int blockSize, int granule, ReadOnlySpan<double> speeds)
    {
        int workers = speeds.Length;
        double total = 0;
        foreach (double v in speeds)
        {
            total += v;
        }

        var bounds = new int[workers + 1];
        double cumulative = 0;
        for (int k = 0; k < workers - 1; k++)
        {
            cumulative += speeds[k];
            long ideal = (long)Math.Round(count * cumulative / total / granule) * granule;
            long lowest = Math.Max(bounds[k], count - ((long)(workers - k - 1) * blockSize));
            long highest = Math.Min(count, (long)bounds[k] + blockSize);
            bounds[k + 1] = (int)Math.Clamp(ideal, lowest, highest);
        }

        bounds[workers] = count;
        return bounds;
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

            for (int i = 1; i < Environment.ProcessorCount; i++)
            {
                int index = i;
                var thread = new Thread(() => HelperLoop(index)) { IsBackground = true, Name = $"Hopfield.ML helper {i}" };
                thread.Start();
            }

            Volatile.Write(ref _started, 1);
        }
    }

    private static void HelperLoop(int index)
    {
        long idleSince = Stopwatch.GetTimestamp();
        while (true)
        {
            var job = Volatile.Read(ref _posted);
            if (job is not null && job.TryHelp(index))
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
                while (!(Volatile.Read(ref _posted)?.HasWork(index) ?? false))
                {
                    Monitor.Wait(Gate);
                }

                _sleepers--;
            }

            idleSince = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>
    /// One call: a row cursor (fixed and guided blocks) or one block per worker (balanced) that the caller (worker 0)
    /// and up to <c>workers − 1</c> helpers take; in a balanced call helper h takes block h, and the caller any block
    /// still untaken when it is done with its own.
    /// </summary>
    private abstract class Job
    {
        private readonly int _count;
        private readonly int _blockSize;
        private readonly int _granule;
        private readonly int _workers;
        private readonly int[]? _bounds;
        private readonly int[]? _taken;
        private readonly long[]? _ownTicks;
        private int _nextRow;
        private int _helpers;
        private int _active;
        private Exception? _failure;

        protected Job(int count, int blockSize, int granule, int workers, int[]? bounds)
        {
            _count = count;
            _blockSize = blockSize;
            _granule = granule;
            _workers = workers;
            _bounds = bounds;
            if (bounds is not null)
            {
                _taken = new int[workers];
                _ownTicks = new long[workers];
            }
        }

        /// <summary>Whether helper <paramref name="index"/> could still join.</summary>
        public bool HasWork(int index) =>
            Volatile.Read(ref _nextRow) < _count
            && Volatile.Read(ref _helpers) < _workers - 1
            && (_taken is null || (index < _workers && Volatile.Read(ref _taken[index]) == 0));

        /// <summary>Joins as helper <paramref name="index"/> if the call has a block for it; returns whether it did.</summary>
        public bool TryHelp(int index)
        {
            if (!HasWork(index))
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

                Work(index);
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

        /// <summary>
        /// After a balanced call in which every worker ran its own block: moves each worker's remembered speed halfway
        /// to its rows per second relative to the call's mean (that ratio within 1/<see cref="MaxCallRatio"/> ..
        /// <see cref="MaxCallRatio"/>, the speed within <see cref="MinRelativeSpeed"/> .. <see cref="MaxRelativeSpeed"/>).
        /// The first balanced call of a process, which meets cold code and memory, teaches nothing.
        /// </summary>
        public void Learn()
        {
            if (Interlocked.Increment(ref _balancedCalls) == 1)
            {
                return;
            }

            var rates = new double[_workers];
            double mean = 0;
            for (int k = 0; k < _workers; k++)
            {
                int rows = _bounds![k + 1] - _bounds[k];
                if (rows == 0 || _ownTicks![k] <= 0)
                {
                    return;
                }

                rates[k] = rows / (double)_ownTicks[k];
                mean += rates[k] / _workers;
            }

            lock (Speeds)
            {
                for (int k = 0; k < _workers; k++)
                {
                    double relative = Math.Clamp(rates[k] / mean, 1 / MaxCallRatio, MaxCallRatio);
                    Speeds[k] = Math.Clamp(0.5 * (Speeds[k] + relative), MinRelativeSpeed, MaxRelativeSpeed);
                }
            }
        }

        /// <summary>Takes blocks until none are left; the first failure stops the others from taking more.</summary>
        public abstract void Work(int index);

        /// <summary>
        /// Takes the next block (first row, length) for worker <paramref name="index"/>; false when none is left.
        /// <paramref name="own"/>: a balanced block of the worker's own, which it times for <see cref="Learn"/>.
        /// </summary>
        protected bool Claim(int index, out int start, out int length, out bool own)
        {
            own = false;
            if (_taken is not null)
            {
                // Its own block first, then any other still untaken (a helper that did not come in time).
                for (int i = -1; i < _workers; i++)
                {
                    int k = i < 0 ? index : i;
                    if (k < _workers && Interlocked.Exchange(ref _taken[k], 1) == 0)
                    {
                        start = _bounds![k];
                        length = _bounds[k + 1] - start;
                        own = k == index;
                        if (length > 0)
                        {
                            return true;
                        }
                    }
                }

                Volatile.Write(ref _nextRow, _count);
                start = length = 0;
                return false;
            }

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

        /// <summary>Records how long worker <paramref name="index"/> took over its own balanced block.</summary>
        protected void RecordOwn(int index, long ticks) => _ownTicks![index] = ticks;

        protected void Fail(Exception ex)
        {
            Interlocked.CompareExchange(ref _failure, ex, null);
            Interlocked.Exchange(ref _nextRow, _count);
            if (_taken is not null)
            {
                for (int k = 0; k < _workers; k++)
                {
                    Interlocked.Exchange(ref _taken[k], 1);
                }
            }
        }
    }

    private sealed class Job<TScratch>(int count, int blockSize, int granule, int workers, int[]? bounds, Func<TScratch> createScratch, Action<int, int, TScratch> body, Action<TScratch>? release)
        : Job(count, blockSize, granule, workers, bounds)
    {
        public override void Work(int index)
        {
            if (!Claim(index, out int start, out int length, out bool own))
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
                    long t0 = own ? Stopwatch.GetTimestamp() : 0;
                    body(start, length, scratch);
                    if (own)
                    {
                        RecordOwn(index, Stopwatch.GetTimestamp() - t0);
                    }
                }
                while (Claim(index, out start, out length, out own));
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

/// <summary>How <see cref="QueryParallel"/> cuts a call's rows into blocks.</summary>
internal enum BlockSchedule
{
    /// <summary>Blocks of the block size, in row order, taken by whichever worker is free.</summary>
    Fixed,

    /// <summary>Blocks that shrink as the rows run out (guided self-scheduling), in multiples of the granule.</summary>
    Guided,

    /// <summary>
    /// One block per worker, sized by each worker's speed relative to the others in earlier balanced calls (the caller
    /// and each helper thread keep theirs); as <see cref="Fixed"/> when the rows do not fit one block per worker.
    /// </summary>
    Balanced,
}
