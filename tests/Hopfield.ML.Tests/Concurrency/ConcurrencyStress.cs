using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Hopfield.Testing;

/// <summary>What one stress run did: threads, distinct inputs, concurrent calls in all.</summary>
internal sealed record StressReport(int Threads, int Inputs, long Calls, int MinRoundsPerThread);

/// <summary>
/// Runs one computation from several threads at once and checks every concurrent result against the sequential one.
/// Shared by the test projects (linked into the ONNX tests).
/// </summary>
internal static class ConcurrencyStress
{
    /// <summary>The thread count of issue 8: eight threads at once.</summary>
    public const int DefaultThreads = 8;

    /// <summary>
    /// Computes <paramref name="compute"/>(i) for every input i sequentially, then starts <paramref name="threads"/> threads
    /// that a barrier releases together; each walks all inputs in its own shuffled order, round after round, until it has done
    /// <paramref name="minRounds"/> rounds and the time budget is spent (or <paramref name="maxRounds"/>). Every concurrent
    /// result must equal the sequential one under <paramref name="equal"/>; the first mismatches and any exception fail the test.
    /// </summary>
    public static StressReport Run<T>(int inputs, Func<int, T> compute, Func<T, T, bool> equal,
        int threads = DefaultThreads, int minRounds = 2, int maxRounds = 1000, double budgetSeconds = 0.3)
    {
        var expected = new T[inputs];
        for (int i = 0; i < inputs; i++)
        {
            expected[i] = compute(i);
        }

        long calls = 0;
        int fewestRounds = int.MaxValue;
        var mismatches = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<Exception>();
        using var barrier = new Barrier(threads);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var order = Enumerable.Range(0, inputs).ToArray();
            var rng = new Random(7919 * (t + 1));
            long mine = 0;
            int rounds = 0;
            barrier.SignalAndWait();
            try
            {
                for (; rounds < maxRounds; rounds++)
                {
                    if (rounds >= minRounds && clock.Elapsed.TotalSeconds > budgetSeconds)
                    {
                        break;
                    }

                    rng.Shuffle(order);
                    foreach (int i in order)
                    {
                        var actual = compute(i);
                        mine++;
                        if (!equal(expected[i], actual) && mismatches.Count < 10)
                        {
                            mismatches.Enqueue($"thread {t}, round {rounds}, input {i}");
                        }
                    }
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }

            Interlocked.Add(ref calls, mine);
            int seen;
            while (rounds < (seen = Volatile.Read(ref fewestRounds)) && Interlocked.CompareExchange(ref fewestRounds, rounds, seen) != seen)
            {
            }
        })
        { IsBackground = true, Name = $"stress-{t}" }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.True(errors.IsEmpty, "A concurrent call threw: " + string.Join(Environment.NewLine, errors));
        Assert.True(mismatches.IsEmpty, "Concurrent results differ from the sequential ones at: " + string.Join("; ", mismatches));
        Assert.True(fewestRounds >= minRounds, $"A thread finished only {fewestRounds} rounds.");
        return new StressReport(threads, inputs, calls, fewestRounds);
    }

    /// <summary>Bit-exact equality of two float arrays (NaN payloads and signed zeros included).</summary>
    public static bool BitEqual(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        MemoryMarshal.AsBytes(a).SequenceEqual(MemoryMarshal.AsBytes(b));

    /// <summary>Bit-exact equality of two double arrays.</summary>
    public static bool BitEqual(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        MemoryMarshal.AsBytes(a).SequenceEqual(MemoryMarshal.AsBytes(b));
}
