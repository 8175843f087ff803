using Hopfield.ML.Memories;
using Hopfield.ML.Numerics;

namespace Hopfield.ML.Tests.Numerics.Bits;

public class BlockAccumulateTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(65)]
    [InlineData(1000)]
    [InlineData(16_447)]
    public void AccumulateIntoAnOffsetBlockEqualsTheFullScalarResult(int n)
    {
        const int p = 5;
        var rng = new Random(n);
        var store = new PackedPatterns(n);
        for (int mu = 0; mu < p; mu++)
        {
            store.Add(BipolarVector.Random(n, rng));
        }

        var weights = Enumerable.Range(0, p).Select(_ => rng.Next(-100, 100)).ToArray();
        var slow = new int[n];
        BitFieldKernels.AccumulateScalar(store.Data, store.WordsPerPattern, p, weights, slow, n);
        int words = store.WordsPerPattern;
        for (int ws = 0; ws < words; ws += 3)
        {
            int we = Math.Min(words, ws + 3);
            int i0 = ws * 64, i1 = Math.Min(n, we * 64);
            var block = new int[i1 - i0];
            BitFieldKernels.AccumulateRange(store.RawData, words, p, weights, block, n, ws, we, i0);
            Assert.Equal(slow.AsSpan(i0, i1 - i0).ToArray(), block);
        }

        Assert.Throws<ArgumentException>(() => BitFieldKernels.AccumulateRange(store.RawData, words, p, weights, Array.Empty<int>(), n, 0, words, 0));
    }

    [Theory]
    [InlineData(64, 1)]
    [InlineData(130, 10)]
    [InlineData(1000, 7)]
    [InlineData(16_384, 10)]
    [InlineData(16_447, 17)]
    public void BothVectorWidthsEqualTheScalarAccumulation(int n, int p)
    {
        var rng = new Random(n + p);
        var store = new PackedPatterns(n);
        for (int mu = 0; mu < p; mu++)
        {
            store.Add(BipolarVector.Random(n, rng));
        }

        // A pattern of all −1 leaves whole words zero (the kernels skip them); weights of both signs and a large one.
        store.Add(Enumerable.Repeat((sbyte)-1, n).ToArray());
        int rows = p + 1;
        var weights = Enumerable.Range(0, rows).Select(_ => rng.Next(-20_000, 20_000)).ToArray();
        weights[0] = 1 << 20;
        var slow = new int[n];
        BitFieldKernels.AccumulateScalar(store.Data, store.WordsPerPattern, rows, weights, slow, n);
        foreach (bool wide in new[] { true, false })
        {
            BitFieldKernels.UseVector512 = wide;
            try
            {
                var fast = new int[n];
                BitFieldKernels.AccumulateRange(store.RawData, store.WordsPerPattern, rows, weights, fast, n, 0, store.WordsPerPattern);
                Assert.Equal(slow, fast);
            }
            finally
            {
                BitFieldKernels.UseVector512 = true;
            }
        }
    }

    [Fact]
    public void HammingDistanceCountsEveryDifferingBit()
    {
        var rng = new Random(5);
        for (int length = 0; length < 11; length++)
        {
            var a = new ulong[length];
            var b = new ulong[length + 2]; // longer: only the first length words count
            int expected = 0;
            for (int w = 0; w < length; w++)
            {
                a[w] = (ulong)rng.NextInt64();
                b[w] = (ulong)rng.NextInt64();
                for (int bit = 0; bit < 64; bit++)
                {
                    expected += (int)(((a[w] ^ b[w]) >> bit) & 1);
                }
            }

            b[length] = ulong.MaxValue;
            Assert.Equal(expected, BitPacking.HammingDistance(a, b));
        }
    }

    [Theory]
    [InlineData(16_384 * 2 + 77, 3)]   // three blocks, sequential
    [InlineData(16_384 * 2 + 77, 130)] // three blocks, large enough to run in parallel
    public void FusedSynchronousStepMatchesTheSignOfTheLocalFields(int n, int p)
    {
        var rng = new Random(p);
        var network = new ClassicalHopfieldNetwork(n);
        for (int mu = 0; mu < p; mu++)
        {
            network.Store(BipolarVector.Random(n, rng));
        }

        sbyte[] state = BipolarVector.Random(n, rng);
        var fields = new float[n];
        network.ComputeLocalFields(state, fields);
        var result = network.Recall(state, new BinaryRecallOptions { Mode = BinaryUpdateMode.Synchronous, MaxSweeps = 1, RecordEnergy = false });
        for (int i = 0; i < n; i++)
        {
            sbyte expected = fields[i] > 0 ? (sbyte)1 : fields[i] < 0 ? (sbyte)-1 : state[i];
            Assert.True(expected == result.State[i], $"neuron {i}: field {fields[i]}, state {state[i]}, got {result.State[i]}");
        }
    }
}
