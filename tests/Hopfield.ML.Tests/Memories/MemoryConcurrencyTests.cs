using Hopfield.ML.Memories;
using Hopfield.ML.Memories.Modern;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Tests.Memories.Common;
using Hopfield.Testing;

namespace Hopfield.ML.Tests.Memories;

/// <summary>
/// Issue 8, concurrency: every memory type, once built, answers from 8 threads at once exactly as it answers sequentially
/// (bit-exact states, attention weights, energies). Each run is bounded (about a second).
/// </summary>
public sealed class MemoryConcurrencyTests
{
    private const double Budget = 0.3;

    private static sbyte[] Bipolar(Random rng, int n) => Enumerable.Range(0, n).Select(_ => rng.Next(2) == 0 ? (sbyte)-1 : (sbyte)1).ToArray();

    private static sbyte[] Flip(sbyte[] pattern, Random rng, double fraction)
    {
        var probe = (sbyte[])pattern.Clone();
        for (int i = 0; i < probe.Length; i++)
        {
            if (rng.NextDouble() < fraction)
            {
                probe[i] = (sbyte)-probe[i];
            }
        }

        return probe;
    }

    private static bool SameRecall(BinaryRecallResult a, BinaryRecallResult b) =>
        a.State.AsSpan().SequenceEqual(b.State) && a.Sweeps == b.Sweeps && a.Termination == b.Termination && a.TotalFlips == b.TotalFlips
        && ConcurrencyStress.BitEqual(a.EnergyTrace.ToArray(), b.EnergyTrace.ToArray());

    [Fact]
    public void UniversalMemory_RetrieveFromEightThreads_EqualsSequential()
    {
        const int count = 64, dim = 32, valueDim = 12;
        float[] keys = TestData.Gaussian(1, count * dim);
        float[] values = TestData.Gaussian(2, count * valueDim);
        UniversalHopfieldOptions[] configs =
        [
            new() { Similarity = SimilarityFunction.Dot, Separation = SeparationFunction.Softmax, Beta = 0.5f },
            new() { Similarity = SimilarityFunction.Cosine, Separation = SeparationFunction.TopKSoftmax, TopK = 4, Beta = 8f },
            new() { Similarity = SimilarityFunction.NegativeManhattan, Separation = SeparationFunction.Max },
            new() { Similarity = SimilarityFunction.Cosine, Separation = SeparationFunction.Polynomial, Degree = 3 },
            new() { Similarity = SimilarityFunction.NegativeEuclidean, Separation = SeparationFunction.Softmax, Beta = 2f },
            new() { Similarity = SimilarityFunction.Dot, Separation = SeparationFunction.Softmax, Storage = MemoryStorage.BFloat16, SparseTolerance = 1e-3f, Threads = 2 },
        ];
        var memories = configs.Select(o => new UniversalHopfieldMemory(keys, count, values, o)).ToArray();
        var queries = Enumerable.Range(0, 8).Select(b => TestData.Gaussian(100 + b, (b + 1) * dim)).ToArray();

        ConcurrencyStress.Run(memories.Length * queries.Length, i =>
        {
            var m = memories[i % memories.Length];
            var q = queries[i / memories.Length];
            int n = q.Length / dim;
            var output = new float[n * valueDim];
            var attention = new float[n * count];
            var nearest = new int[n];
            m.RetrieveBatch(q, n, output, attention);
            m.NearestBatch(q, n, nearest);
            var single = m.Retrieve(q.AsSpan(0, dim));
            return (Output: output, Attention: attention, Nearest: nearest, Single: single);
        }, (a, b) => ConcurrencyStress.BitEqual(a.Output, b.Output) && ConcurrencyStress.BitEqual(a.Attention, b.Attention)
            && a.Nearest.AsSpan().SequenceEqual(b.Nearest) && ConcurrencyStress.BitEqual(a.Single, b.Single), budgetSeconds: Budget);
    }

    [Fact]
    public void ScreenedMemory_RetrieveFromEightThreads_EqualsSequential()
    {
        // The screened path (8-bit pass, candidate lists, gathered fallback rows) shares pooled scratch between callers.
        const int count = Hopfield.ML.Memories.Universal.RetrievalEngine.ScreenMinimumCount + 100, dim = 16;
        float[] keys = TestData.Gaussian(5, count * dim);
        var peaked = new UniversalHopfieldMemory(keys, count, default, new UniversalHopfieldOptions { Beta = 3f, SparseTolerance = 1e-6f, Screening = true, Threads = 2 });
        var flat = new UniversalHopfieldMemory(keys, count, default, new UniversalHopfieldOptions { Beta = 0.05f, SparseTolerance = 1e-6f, Screening = true });
        UniversalHopfieldMemory[] memories = [peaked, flat];
        var queries = Enumerable.Range(0, 8).Select(b => TestData.Gaussian(200 + b, ((3 * b) + 1) * dim)).ToArray();
        ConcurrencyStress.Run(memories.Length * queries.Length, i =>
        {
            var m = memories[i % memories.Length];
            var q = queries[i / memories.Length];
            var output = new float[q.Length];
            m.RetrieveBatch(q, q.Length / dim, output);
            return output;
        }, (a, b) => ConcurrencyStress.BitEqual(a, b), budgetSeconds: Budget);
        Assert.True(peaked.Engine.ScreenStatistics.ExactScores > 0 && flat.Engine.ScreenStatistics.Fallbacks > 0);
    }

    [Fact]
    public void ModernNetwork_RetrieveFromEightThreads_EqualsSequential()
    {
        const int count = 48, dim = 40;
        var net = new ModernHopfieldNetwork(TestData.Gaussian(3, count * dim), count, new ModernHopfieldOptions { Beta = 2f, MaxSteps = 4, Tolerance = 1e-6f });
        var queries = Enumerable.Range(0, 24).Select(i => TestData.Gaussian(200 + i, ((i % 4) + 1) * dim)).ToArray();

        ConcurrencyStress.Run(queries.Length, i =>
        {
            var q = queries[i];
            int n = q.Length / dim;
            var r = net.Retrieve(q.AsSpan(0, dim));
            var batch = new float[q.Length];
            net.RetrieveBatch(q, n, batch);
            var iterated = new float[q.Length];
            net.RetrieveBatch(q, n, iterated, steps: 3);
            return (State: r.ToArray(), Attention: r.Attention.ToArray(), r.Steps, Energy: r.EnergyTrace.ToArray(), Batch: batch, Iterated: iterated, E: net.Energy(q.AsSpan(0, dim)));
        }, (a, b) => ConcurrencyStress.BitEqual(a.State, b.State) && ConcurrencyStress.BitEqual(a.Attention, b.Attention) && a.Steps == b.Steps
            && ConcurrencyStress.BitEqual(a.Energy, b.Energy) && ConcurrencyStress.BitEqual(a.Batch, b.Batch)
            && ConcurrencyStress.BitEqual(a.Iterated, b.Iterated) && a.E.Equals(b.E), budgetSeconds: Budget);
    }

    [Theory]
    [InlineData(LearningRule.Hebbian)]
    [InlineData(LearningRule.Storkey)]
    public void ClassicalNetwork_RecallFromEightThreads_EqualsSequential(LearningRule rule)
    {
        const int neurons = 160, patterns = 10;
        var rng = new Random(5);
        var net = new ClassicalHopfieldNetwork(neurons, rule);
        var stored = Enumerable.Range(0, patterns).Select(_ => Bipolar(rng, neurons)).ToArray();
        net.StoreRange(stored);
        var probes = Enumerable.Range(0, 32).Select(i => Flip(stored[i % patterns], rng, 0.15)).ToArray();
        BinaryRecallOptions[] modes =
        [
            new() { Mode = BinaryUpdateMode.Asynchronous, Seed = 3 },
            new() { Mode = BinaryUpdateMode.Synchronous, MaxSweeps = 20 },
        ];

        ConcurrencyStress.Run(probes.Length * modes.Length, i =>
        {
            var probe = probes[i / modes.Length];
            var fields = new float[neurons];
            net.ComputeLocalFields(probe, fields);
            return (Recall: net.Recall(probe, modes[i % modes.Length]), Energy: net.Energy(probe), Fields: fields);
        }, (a, b) => SameRecall(a.Recall, b.Recall) && a.Energy.Equals(b.Energy) && ConcurrencyStress.BitEqual(a.Fields, b.Fields), budgetSeconds: Budget * 2 / 3);
    }

    [Fact]
    public void ClassicalNetwork_RecallBatchFromEightThreads_EqualsSequential()
    {
        const int neurons = 128;
        var rng = new Random(6);
        var net = new ClassicalHopfieldNetwork(neurons);
        var stored = Enumerable.Range(0, 6).Select(_ => Bipolar(rng, neurons)).ToArray();
        net.StoreRange(stored);
        var batches = Enumerable.Range(0, 8).Select(b => Enumerable.Range(0, b + 1).Select(k => Flip(stored[(b + k) % 6], rng, 0.2)).ToArray()).ToArray();

        ConcurrencyStress.Run(batches.Length, i => net.RecallBatch(batches[i], new BinaryRecallOptions { Seed = i }),
            (a, b) => a.Length == b.Length && a.Zip(b).All(p => SameRecall(p.First, p.Second)), budgetSeconds: Budget * 2 / 3);
    }

    [Theory]
    [InlineData(DenseInteraction.RectifiedPolynomial)]
    [InlineData(DenseInteraction.Exponential)]
    public void DenseMemory_RecallFromEightThreads_EqualsSequential(DenseInteraction interaction)
    {
        const int neurons = 96, patterns = 20;
        var rng = new Random(7);
        var memory = new DenseAssociativeMemory(neurons, interaction, degree: 3, beta: interaction == DenseInteraction.Exponential ? 0.1 : 1.0);
        var stored = Enumerable.Range(0, patterns).Select(_ => Bipolar(rng, neurons)).ToArray();
        memory.StoreRange(stored);
        var probes = Enumerable.Range(0, 24).Select(i => Flip(stored[i % patterns], rng, 0.2)).ToArray();

        ConcurrencyStress.Run(probes.Length, i =>
        {
            var options = new BinaryRecallOptions { Mode = i % 2 == 0 ? BinaryUpdateMode.Asynchronous : BinaryUpdateMode.Synchronous, Seed = i, MaxSweeps = 10 };
            return (Recall: memory.Recall(probes[i], options), Energy: memory.Energy(probes[i]));
        }, (a, b) => SameRecall(a.Recall, b.Recall) && a.Energy.Equals(b.Energy), budgetSeconds: Budget * 2 / 3);
    }
}
