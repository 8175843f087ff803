using Hopfield.ML.Memories;

namespace Hopfield.ML.Tests.Memories.Universal;

/// <summary>The classical network reuses one spare dynamics between Recall calls (a perf change); it must never be stale.</summary>
public class ClassicalRecallReuseTests
{
    [Theory]
    [InlineData(LearningRule.Hebbian)]
    [InlineData(LearningRule.Storkey)]
    public void RecallAfterAnotherStoreSeesTheNewPattern(LearningRule rule)
    {
        const int n = 130;
        var random = new Random(4);
        sbyte[] Pattern() => Enumerable.Range(0, n).Select(_ => random.Next(2) == 0 ? (sbyte)-1 : (sbyte)1).ToArray();
        var network = new ClassicalHopfieldNetwork(n, rule);
        sbyte[] a = Pattern(), b = Pattern();
        network.Store(a);
        var sync = new BinaryRecallOptions { Mode = BinaryUpdateMode.Synchronous, MaxSweeps = 10 };
        Assert.Equal(a, network.Recall(a, sync).State);

        network.Store(b);
        var fresh = new ClassicalHopfieldNetwork(n, rule);
        fresh.Store(a);
        fresh.Store(b);
        var probe = (sbyte[])b.Clone();
        for (int i = 0; i < 10; i++)
        {
            probe[i * 13] = (sbyte)-probe[i * 13];
        }

        Assert.Equal(fresh.Recall(probe, sync).State, network.Recall(probe, sync).State);
        Assert.Equal(b, network.Recall(probe, sync).State);
    }
}
