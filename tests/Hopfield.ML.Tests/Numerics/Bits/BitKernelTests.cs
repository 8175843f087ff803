using Hopfield.ML.Memories;
using Hopfield.ML.Numerics;

namespace Hopfield.ML.Tests.Numerics.Bits;

public class BitKernelTests
{
    public static TheoryData<int> OddSizes => new() { 1, 3, 17, 63, 64, 65, 127, 128, 129, 1000 };

    [Theory]
    [MemberData(nameof(OddSizes))]
    public void Pack_MatchesScalarReference_AndRoundTrips(int n)
    {
        var rng = new Random(n);
        var v = BipolarVector.Random(n, rng);
        var fast = new ulong[BitPacking.WordCount(n)];
        var slow = new ulong[BitPacking.WordCount(n)];
        BitPacking.Pack(v, fast);
        BitPacking.PackScalar(v, slow);
        Assert.Equal(slow, fast);

        // Padding bits stay zero so popcounts over whole words are exact.
        if (n % 64 != 0)
        {
            Assert.Equal(0UL, fast[^1] >> (n % 64));
        }

        var back = new sbyte[n];
        BitPacking.Unpack(fast, back);
        Assert.Equal(v, back);
    }

    [Theory]
    [MemberData(nameof(OddSizes))]
    public void Overlaps_EqualDotProducts(int n)
    {
        var rng = new Random(100 + n);
        var store = new PackedPatterns(n);
        var patterns = Enumerable.Range(0, 5).Select(_ => BipolarVector.Random(n, rng)).ToArray();
        foreach (var p in patterns)
        {
            store.Add(p);
        }

        var s = BipolarVector.Random(n, rng);
        var packed = new ulong[store.WordsPerPattern];
        BitPacking.Pack(s, packed);
        var m = new int[5];
        store.Overlaps(packed, m);
        for (int mu = 0; mu < 5; mu++)
        {
            int dot = 0;
            for (int i = 0; i < n; i++)
            {
                dot += patterns[mu][i] * s[i];
            }

            Assert.Equal(dot, m[mu]);
        }
    }

    [Theory]
    [MemberData(nameof(OddSizes))]
    public void AccumulateInt_SimdEqualsScalar(int n)
    {
        foreach (int p in new[] { 1, 3, 10 })
        {
            var rng = new Random((n * 31) + p);
            var store = new PackedPatterns(n);
            for (int mu = 0; mu < p; mu++)
            {
                store.Add(BipolarVector.Random(n, rng));
            }

            var weights = Enumerable.Range(0, p).Select(_ => rng.Next(-1000, 1000)).ToArray();
            var fast = new int[n];
            var slow = new int[n];
            BitFieldKernels.Accumulate(store.RawData, store.WordsPerPattern, p, weights, fast, n);
            BitFieldKernels.AccumulateScalar(store.Data, store.WordsPerPattern, p, weights, slow, n);
            Assert.Equal(slow, fast);
        }
    }

    [Theory]
    [MemberData(nameof(OddSizes))]
    public void AccumulateDouble_SimdEqualsScalar(int n)
    {
        foreach (int p in new[] { 1, 3, 10 })
        {
            var rng = new Random((n * 37) + p);
            var store = new PackedPatterns(n);
            for (int mu = 0; mu < p; mu++)
            {
                store.Add(BipolarVector.Random(n, rng));
            }

            var weights = Enumerable.Range(0, p).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var fast = new double[n];
            var slow = new double[n];
            BitFieldKernels.Accumulate(store.RawData, store.WordsPerPattern, p, weights, fast, n);
            BitFieldKernels.AccumulateScalar(store.Data, store.WordsPerPattern, p, weights, slow, n);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(slow[i], fast[i], 12);
            }
        }
    }

    [Fact]
    public void AccumulateInt_ParallelPathEqualsScalar()
    {
        // Large enough (words × patterns ≥ threshold) to take the multi-threaded path, odd length for the tail.
        int n = (64 * 7000) + 13;
        int p = 10;
        var rng = new Random(5);
        var store = new PackedPatterns(n);
        for (int mu = 0; mu < p; mu++)
        {
            store.Add(BipolarVector.Random(n, rng));
        }

        Assert.True((long)store.WordsPerPattern * p >= BitFieldKernels.ParallelThreshold);
        var weights = Enumerable.Range(0, p).Select(_ => rng.Next(-n, n)).ToArray();
        var fast = new int[n];
        var slow = new int[n];
        BitFieldKernels.Accumulate(store.RawData, store.WordsPerPattern, p, weights, fast, n);
        BitFieldKernels.AccumulateScalar(store.Data, store.WordsPerPattern, p, weights, slow, n);
        Assert.Equal(slow, fast);
    }

    [Theory]
    [MemberData(nameof(OddSizes))]
    public void ThresholdUpdate_SimdEqualsScalar(int n)
    {
        var rng = new Random(n + 3);
        var s = BipolarVector.Random(n, rng);
        var acc = Enumerable.Range(0, n).Select(_ => rng.Next(-6, 7)).ToArray();
        var fast = new sbyte[n];
        var slow = new sbyte[n];
        foreach (bool wide in new[] { true, false })
        {
            foreach (var (tp, tm) in new[] { (0, 0), (1, -1), (2, 1), (-3, 4) })
            {
                BitFieldKernels.UseVector512 = wide;
                int a;
                try
                {
                    a = BitFieldKernels.ThresholdUpdate(acc, s, fast, tp, tm);
                }
                finally
                {
                    BitFieldKernels.UseVector512 = true;
                }

                int b = BitFieldKernels.ThresholdUpdateScalar(acc, s, slow, tp, tm);
                Assert.Equal(slow, fast);
                Assert.Equal(b, a);
                Assert.Equal(Enumerable.Range(0, n).Count(i => slow[i] != s[i]), b);
            }
        }
    }

    [Fact]
    public void PackedTranspose_GroupsEachNeuronsBits()
    {
        var store = new PackedPatterns(130);
        var rng = new Random(2);
        for (int mu = 0; mu < 3; mu++)
        {
            store.Add(BipolarVector.Random(130, rng));
        }

        var t = store.Transpose();
        for (int w = 0; w < store.WordsPerPattern; w++)
        {
            for (int mu = 0; mu < 3; mu++)
            {
                Assert.Equal(store.Row(mu)[w], t[(w * 3) + mu]);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(127)]
    [InlineData(129)]
    [InlineData(1000)]
    public void HebbianPackedFields_EqualExplicitWeightMatrixReference(int n)
    {
        var rng = new Random(7 * n);
        int p = Math.Max(1, Math.Min(12, n / 3));
        var patterns = Enumerable.Range(0, p).Select(_ => BipolarVector.Random(n, rng)).ToArray();
        var net = new ClassicalHopfieldNetwork(n);
        net.StoreRange(patterns);

        // Scalar reference: W = (1/N) Σ ξξᵀ, zero diagonal, h = W s.
        var w = new double[n, n];
        foreach (var xi in patterns)
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    if (i != j)
                    {
                        w[i, j] += (double)xi[i] * xi[j] / n;
                    }
                }
            }
        }

        for (int trial = 0; trial < 3; trial++)
        {
            var s = BipolarVector.Random(n, rng);
            var fields = new float[n];
            net.ComputeLocalFields(s, fields);
            double energy = 0;
            for (int i = 0; i < n; i++)
            {
                double h = 0;
                for (int j = 0; j < n; j++)
                {
                    h += w[i, j] * s[j];
                }

                Assert.Equal(h, fields[i], 4);
                energy += -0.5 * s[i] * h;
            }

            Assert.Equal(energy, net.Energy(s), 6);

            // The synchronous step agrees with sign(h) (zero field keeps the state).
            var expected = new sbyte[n];
            for (int i = 0; i < n; i++)
            {
                double h = 0;
                for (int j = 0; j < n; j++)
                {
                    h += w[i, j] * s[j];
                }

                expected[i] = Math.Abs(h) < 1e-9 ? s[i] : (sbyte)Math.Sign(h);
            }

            var r = net.Recall(s, new BinaryRecallOptions { Mode = BinaryUpdateMode.Synchronous, MaxSweeps = 1, RecordStates = true });
            Assert.Equal(expected, r.States![1]);
        }

        // The materialised matrix equals the reference too.
        var mat = net.ToWeightMatrix();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                Assert.Equal(w[i, j], mat[(i * n) + j], 4);
            }
        }
    }
}
