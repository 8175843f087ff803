using Hopfield.ML.Classification;
using Hopfield.ML.Tests.Pipeline;

namespace Hopfield.ML.Tests.Classification;

public class PrototypesTests
{
    [Fact]
    public void KMeansFindsSeparatedClustersDeterministically()
    {
        var (x, y) = PipelineTestData.Blobs(classes: 4, perClass: 50, dim: 3, seed: 3, spread: 20f, noise: 0.5f);
        var a = Prototypes.KMeans(x, 3, k: 4, seed: 11);
        var b = Prototypes.KMeans(x, 3, k: 4, seed: 11);
        Assert.Equal(a.Centroids, b.Centroids);
        Assert.Equal(a.Assignments, b.Assignments);

        // Every true class maps to exactly one cluster and vice versa.
        for (int c = 0; c < 4; c++)
        {
            var clusters = Enumerable.Range(0, y.Length).Where(i => y[i] == c).Select(i => a.Assignments[i]).Distinct().ToArray();
            Assert.Single(clusters);
        }

        Assert.Equal(4, a.Assignments.Distinct().Count());
        double inertia = 0;
        for (int i = 0; i < y.Length; i++)
        {
            inertia += Prototypes.SquaredDistance(x.AsSpan(i * 3, 3), a.Centroids.AsSpan(a.Assignments[i] * 3, 3));
        }

        Assert.Equal(inertia, a.Inertia, 6);
        Assert.True(a.Inertia / y.Length < 1.5); // noise variance 0.25 per dimension → about 0.75 per row
    }

    [Fact]
    public void PerClassWithOnePrototypeGivesClassMeans()
    {
        float[] x = [0, 0, 2, 2, 10, 10, 1, 1, 12, 14];
        int[] y = [0, 0, 1, 0, 1];
        var p = Prototypes.PerClass(x, 2, y, classCount: 3, perClass: 1, seed: 1);
        Assert.Equal([0, 1], p.Labels);
        Assert.Equal(new float[] { 1, 1, 11, 12 }, p.Vectors);
        Assert.Equal(2, p.Count);
    }

    [Fact]
    public void PerClassKeepsSmallClassesAndClustersLargeOnes()
    {
        var (x, y) = PipelineTestData.Blobs(classes: 2, perClass: 30, dim: 2, seed: 1);
        var p = Prototypes.PerClass(x, 2, y, 2, perClass: 3, seed: 5);
        Assert.Equal([0, 0, 0, 1, 1, 1], p.Labels);
        var small = Prototypes.PerClass(x.AsSpan(0, 8), 2, y.AsSpan(0, 4), 2, perClass: 3, seed: 5);
        Assert.Equal(x.AsSpan(0, 8).ToArray().Chunk(2).Where((_, i) => y[i] == 0).Concat(x.AsSpan(0, 8).ToArray().Chunk(2).Where((_, i) => y[i] == 1)).SelectMany(v => v), small.Vectors);
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Prototypes.KMeans(new float[6], 2, k: 4, seed: 1));
        Assert.Throws<ArgumentException>(() => Prototypes.KMeans(new float[5], 2, k: 1, seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Prototypes.PerClass(new float[4], 2, [0, 3], 2, 1, 1));
    }

    [Fact]
    public void KMeansHandlesDuplicatePoints()
    {
        var x = new float[20];
        var r = Prototypes.KMeans(x, 2, k: 3, seed: 1);
        Assert.Equal(0, r.Inertia);
        Assert.All(r.Assignments, a => Assert.InRange(a, 0, 2));
    }
}
