using System.Diagnostics;
using System.IO.MemoryMappedFiles;

namespace Hopfield.Cli.Fuzzing;

/// <summary>One input that crashed, hung or threw an exception the parser does not document.</summary>
/// <param name="Parser">The parser.</param>
/// <param name="Seed">The run seed.</param>
/// <param name="Iteration">The input's index: with <paramref name="Seed"/> it rebuilds the input.</param>
/// <param name="Kind">"exception" or "hang".</param>
/// <param name="ExceptionType">The exception's type name ("" for a hang).</param>
/// <param name="Message">The exception message or the hang description.</param>
/// <param name="Where">The innermost stack frame, when known.</param>
/// <param name="InputLength">Bytes in the input.</param>
/// <param name="InputHead">The first 64 bytes of the input, hex.</param>
internal sealed record FuzzFinding(string Parser, int Seed, long Iteration, string Kind, string ExceptionType, string Message, string Where, int InputLength, string InputHead);

/// <summary>What one parser's run gave.</summary>
/// <param name="Parser">The parser.</param>
/// <param name="Inputs">Inputs tried (completed plus hung).</param>
/// <param name="Accepted">Inputs that parsed.</param>
/// <param name="Rejected">Inputs refused with a documented exception.</param>
/// <param name="FindingCount">Inputs that were findings (all of them, even beyond those listed).</param>
/// <param name="Findings">The first findings of each distinct kind.</param>
/// <param name="Seconds">Wall-clock seconds.</param>
/// <param name="DocumentedExceptions">The exceptions counted as documented.</param>
/// <param name="Seeds">Seed inputs the mutations started from.</param>
internal sealed record FuzzReport(string Parser, long Inputs, long Accepted, long Rejected, long FindingCount, IReadOnlyList<FuzzFinding> Findings, double Seconds, string DocumentedExceptions, int Seeds)
{
    public double InputsPerSecond => Seconds > 0 ? Inputs / Seconds : 0;
}

/// <summary>Runs a <see cref="FuzzTarget"/> over seeded mutations on several threads, with a per-input time limit.</summary>
internal static class FuzzRunner
{
    private const int MaxListedFindings = 20;

    /// <summary>Builds input <paramref name="iteration"/> of a run: the same bytes every time.</summary>
    public static byte[] Input(FuzzTarget target, int seed, long iteration) => Mutator.Mutate(target, new FuzzRandom(seed, target.Name, iteration));

    /// <summary>Checks one input: null when it parsed or was refused with a documented exception, otherwise the finding.</summary>
    public static FuzzFinding? Check(FuzzTarget target, int seed, long iteration, byte[] input, out bool accepted)
    {
        accepted = false;
        try
        {
            target.Parse(input);
            accepted = true;
            return null;
        }
        catch (Exception ex) when (target.IsDocumented(ex, input))
        {
            return string.IsNullOrWhiteSpace(ex.Message)
                ? Finding(target, seed, iteration, input, "exception", ex.GetType().FullName!, "(documented exception with an empty message)", ex)
                : null;
        }
        catch (Exception ex)
        {
            return Finding(target, seed, iteration, input, "exception", ex.GetType().FullName!, ex.Message, ex);
        }
    }

    /// <summary>Runs <paramref name="iterations"/> mutated inputs of <paramref name="target"/> on <paramref name="threads"/> workers.</summary>
    /// <param name="target">The parser.</param>
    /// <param name="iterations">Inputs to try.</param>
    /// <param name="seed">The run seed.</param>
    /// <param name="timeout">Longer than this on one input is a hang.</param>
    /// <param name="threads">Worker threads.</param>
    /// <param name="progress">Called about every 20 ms with the inputs done.</param>
    /// <param name="journal">When set, a file of one little-endian 64-bit slot per worker holding the input it is on
    /// (-1 when idle), written through a shared memory map so it survives a native crash of the process.</param>
    /// <returns>The report.</returns>
    public static FuzzReport Run(FuzzTarget target, long iterations, int seed, TimeSpan timeout, int threads, Action<long>? progress = null, string? journal = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        foreach (var s in target.Seeds)
        {
            target.Parse(s); // a seed that does not parse is a broken corpus, not a finding
        }

        var findings = new List<FuzzFinding>();
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        long next = 0, accepted = 0, rejected = 0, findingCount = 0, done = 0;
        var startedAt = new long[threads];
        var current = new long[threads];
        Array.Fill(current, -1L); // -1: no input in progress
        var abandoned = new bool[threads];
        var finished = new bool[threads];
        using var map = journal is null ? null : MemoryMappedFile.CreateFromFile(journal, FileMode.Create, null, 8L * threads);
        using var slots = map?.CreateViewAccessor();
        var sw = Stopwatch.StartNew();

        void Record(FuzzFinding f)
        {
            lock (findings)
            {
                findingCount++;
                if (findings.Count < MaxListedFindings && kinds.Add($"{f.Kind}|{f.ExceptionType}|{f.Where}"))
                {
                    findings.Add(f);
                }
            }
        }

        void Work(int id)
        {
            try
            {
                long i;
                while (!Volatile.Read(ref abandoned[id]) && (i = Interlocked.Increment(ref next) - 1) < iterations)
                {
                    byte[] input = Input(target, seed, i);
                    Volatile.Write(ref startedAt[id], Stopwatch.GetTimestamp());
                    Volatile.Write(ref current[id], i);
                    slots?.Write(8L * id, i);
                    var f = Check(target, seed, i, input, out bool ok);
                    slots?.Write(8L * id, -1L);

                    // The worker and the watchdog race to claim the input; whoever wins counts it, exactly once.
                    if (Interlocked.CompareExchange(ref current[id], -1, i) != i)
                    {
                        break; // the watchdog reported it as a hang
                    }

                    if (f is not null)
                    {
                        Record(f);
                    }
                    else if (ok)
                    {
                        Interlocked.Increment(ref accepted);
                    }
                    else
                    {
                        Interlocked.Increment(ref rejected);
                    }

                    Interlocked.Increment(ref done);
                }
            }
            finally
            {
                Volatile.Write(ref finished[id], true);
            }
        }

        for (int w = 0; w < threads; w++)
        {
            int id = w;

            // Background threads: a worker stuck in a hung parser must not keep the process alive.
            new Thread(() => Work(id), 16 << 20) { IsBackground = true, Name = $"fuzz-{target.Name}-{id}" }.Start();
        }

        long timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            bool allDone = true;
            for (int w = 0; w < threads; w++)
            {
                if (Volatile.Read(ref finished[w]) || Volatile.Read(ref abandoned[w]))
                {
                    continue;
                }

                allDone = false;

                // Read the input, its start time, then the input again: equal reads mean the time belongs to it.
                long i = Volatile.Read(ref current[w]);
                long t0 = Volatile.Read(ref startedAt[w]);
                if (i >= 0 && i == Volatile.Read(ref current[w]) && Stopwatch.GetTimestamp() - t0 > timeoutTicks
                    && Interlocked.CompareExchange(ref current[w], -1, i) == i)
                {
                    Volatile.Write(ref abandoned[w], true);
                    byte[] input = Input(target, seed, i);
                    Record(Finding(target, seed, i, input, "hang", string.Empty, $"no answer within {timeout.TotalMilliseconds:0} ms", null));
                    Interlocked.Increment(ref done);
                }
            }

            progress?.Invoke(Interlocked.Read(ref done));
            if (allDone)
            {
                break;
            }

            Thread.Sleep(20);
        }

        // When every worker hung, inputs no worker reached are left untried: Inputs then says how many were run.
        sw.Stop();
        lock (findings)
        {
            return new FuzzReport(target.Name, Interlocked.Read(ref done), accepted, rejected, findingCount,
                [.. findings.OrderBy(f => f.Iteration)], sw.Elapsed.TotalSeconds, target.DocumentedExceptions, target.Seeds.Count);
        }
    }

    private static FuzzFinding Finding(FuzzTarget target, int seed, long iteration, byte[] input, string kind, string type, string message, Exception? ex)
    {
        string where = ex?.StackTrace?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()?.Replace("at ", string.Empty, StringComparison.Ordinal) ?? string.Empty;
        return new FuzzFinding(target.Name, seed, iteration, kind, type, message.ReplaceLineEndings(" "), where, input.Length,
            Convert.ToHexString(input.AsSpan(0, Math.Min(64, input.Length))));
    }
}
