using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

namespace Hopfield.ML.Tests.Pipeline.Stages;

public sealed class HopfieldPoolTests
{
    private const int Dim = 16;
    private const int Slots = 4;
    private static readonly string[] Scenes = ["tennis court", "beach", "dining room"];
    private static readonly string[][] SceneObjects =
    [
        ["tennis ball", "net", "racket"],
        ["towel", "sand", "umbrella"],
        ["plate", "fork", "table"],
    ];

    /// <summary>Object embeddings: a scene direction plus an object-specific part, so objects of a scene are similar.</summary>
    private static float[] Embedding(int scene, int obj, Random rng, float noise)
    {
        var v = new float[Dim];
        for (int j = 0; j < Dim; j++)
        {
            float sceneDir = (j % 3 == scene) ? 1f : 0f;
            float objDir = (j / 3 == obj) ? 0.6f : 0f;
            v[j] = sceneDir + objDir + (noise * PipelineTestData.Gaussian(rng));
        }

        return v;
    }

    private static DataSet Bags(HopfieldContext ctx, int count, int seed)
    {
        var rng = new Random(seed);
        var bags = new float[count * Slots * Dim];
        var labels = new int[count];
        for (int b = 0; b < count; b++)
        {
            int scene = b % 3;
            labels[b] = scene;
            int n = 2 + rng.Next(2); // 2 or 3 instances; the rest is zero padding
            for (int i = 0; i < n; i++)
            {
                Embedding(scene, rng.Next(3), rng, 0.1f).CopyTo(bags, ((b * Slots) + i) * Dim);
            }
        }

        return ctx.Data.FromArrays("Bag", bags, Slots * Dim, "Label", labels, 3);
    }

    [Fact]
    public void EstimatorCore_SchemaRoundTripAndBadSchema()
    {
        var ctx = new HopfieldContext(seed: 2);
        var train = Bags(ctx, 60, seed: 1);
        var test = Bags(ctx, 15, seed: 2);
        var est = ctx.Transforms.HopfieldPool("Pooled", "Bag", Dim, classNames: Scenes);
        Assert.Equal(new SchemaColumn("Pooled", ColumnKind.Vector, Dim), est.GetOutputSchema(train.Schema)["Pooled"]);
        StageTestHelpers.CheckEstimatorCore(ctx, est, train, test, "Pooled");

        var seeds = ctx.Transforms.HopfieldPool("Pooled", "Bag", new HopfieldPoolEstimator.Options { InstanceDimension = Dim, Query = PoolingQuery.Seeds, SeedCount = 3 });
        Assert.Equal(new SchemaColumn("Pooled", ColumnKind.Vector, 3 * Dim), seeds.GetOutputSchema(train.Schema)["Pooled"]);
        var model = (HopfieldPoolTransformer)StageTestHelpers.CheckEstimatorCore(ctx, seeds, train, test, "Pooled");
        Assert.Equal(3, model.QueryCount);

        StageTestHelpers.RejectsSchema(() => ctx.Transforms.HopfieldPool("Pooled", "Bag", 5).GetOutputSchema(train.Schema), "Bag");     // 64 % 5 != 0
        StageTestHelpers.RejectsSchema(() => est.Fit(train.DropColumns("Label")), "Label");
        StageTestHelpers.RejectsSchema(() => ctx.Transforms.HopfieldPool("Pooled", "Bags", Dim).GetOutputSchema(train.Schema), "Bags");
    }

    [Fact]
    public void AttendsToTheRightPrototypeAndExplainsIt()
    {
        var ctx = new HopfieldContext(seed: 3);
        var train = Bags(ctx, 90, seed: 1);
        var model = ctx.Transforms.HopfieldPool("Pooled", "Bag", Dim, classNames: Scenes, beta: 20f).Fit(train);
        Assert.Equal(Scenes, model.PrototypeLabels);

        var rng = new Random(7);
        for (int scene = 0; scene < 3; scene++)
        {
            var bag = new float[Slots * Dim];
            for (int o = 0; o < 3; o++)
            {
                Embedding(scene, o, rng, 0.1f).CopyTo(bag, o * Dim);
            }

            var explanation = model.Explain(bag, SceneObjects[scene]);
            Assert.Equal(Scenes[scene], explanation.Conclusion);
            Assert.Equal(3, explanation.InstanceCount);
            Assert.Equal(1f, explanation.Items.Sum(i => i.Weight), 4);
            Assert.Equal(6, explanation.Items.Count); // 3 instances + 3 prototypes; padding ignored
            var otherScenes = explanation.Items.Where(i => i.Kind == AttendedKind.Prototype && i.Label != Scenes[scene]);
            Assert.All(otherScenes, i => Assert.True(i.Weight < explanation.ConclusionWeight / 5, $"{i.Label} {i.Weight}"));
            Assert.Equal(SceneObjects[scene].Order(), explanation.Items.Where(i => i.Kind == AttendedKind.Instance).Select(i => i.Label).Order());

            string text = explanation.ToString();
            Assert.Contains("→ " + Scenes[scene], text, StringComparison.Ordinal);
            foreach (var name in SceneObjects[scene])
            {
                Assert.Contains(name, text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void OutputIsTheAttentionWeightedSumOfInstancesAndPrototypes()
    {
        var ctx = new HopfieldContext(seed: 1);
        // Two instances of dimension 2, one given prototype; dot similarity, β = 1: verify against a hand computation.
        var est = ctx.Transforms.HopfieldPool("P", "Bag", new HopfieldPoolEstimator.Options
        {
            InstanceDimension = 2,
            Similarity = SimilarityFunction.Dot,
            Beta = 1f,
            Prototypes = [[0f, 2f]],
            PrototypeLabels = ["up"],
        });
        float[] bag = [1f, 0f, 0f, 1f, 0f, 0f]; // third slot is padding
        var data = ctx.Data.FromArrays("Bag", bag, 6);
        var model = est.Fit(data);
        var output = model.Transform(data).GetColumn("P").GetVector(0).ToArray();

        float[] q = [0.5f, 0.5f];
        float[][] keys = [[1f, 0f], [0f, 1f], [0f, 2f]];
        var s = keys.Select(k => MathF.Exp((q[0] * k[0]) + (q[1] * k[1]))).ToArray();
        float z = s.Sum();
        float[] expected = [keys.Select((k, i) => s[i] / z * k[0]).Sum(), keys.Select((k, i) => s[i] / z * k[1]).Sum()];
        Assert.Equal(expected[0], output[0], 5);
        Assert.Equal(expected[1], output[1], 5);

        var explanation = model.Explain(bag);
        Assert.Equal("up", explanation.Conclusion);
        Assert.Equal(s[2] / z, explanation.ConclusionWeight, 5);
        Assert.Contains(explanation.Items, i => i.Kind == AttendedKind.Instance && i.Label == "#1");
        Assert.Throws<ArgumentException>(() => model.Explain(bag, ["a", "b", "c", "d"]));
        Assert.Throws<ArgumentException>(() => model.Explain(new float[4]));
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        var ctx = new HopfieldContext(seed: 1);
        Assert.Equal("InstanceDimension", Assert.Throws<ArgumentOutOfRangeException>(() => ctx.Transforms.HopfieldPool("P", "Bag", 0)).ParamName);
        Assert.Equal("PrototypeLabels", Assert.Throws<ArgumentException>(() => ctx.Transforms.HopfieldPool("P", "Bag",
            new HopfieldPoolEstimator.Options { InstanceDimension = 2, Prototypes = [[1f, 0f]] })).ParamName);
        Assert.Equal("Prototypes", Assert.Throws<ArgumentException>(() => ctx.Transforms.HopfieldPool("P", "Bag",
            new HopfieldPoolEstimator.Options { InstanceDimension = 2, Prototypes = [[1f, 0f, 3f]], PrototypeLabels = ["x"] })).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => ctx.Transforms.HopfieldPool("P", "Bag", 2, beta: -1f)).ParamName);
    }
}
