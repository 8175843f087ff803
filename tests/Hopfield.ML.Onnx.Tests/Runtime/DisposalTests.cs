using System.Reflection;
using Hopfield.ML.Onnx.FeatureMaps;
using Hopfield.ML.Onnx.Pipeline;
using Hopfield.ML.Onnx.Runtime;
using Hopfield.ML.Onnx.Tests.Models;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Onnx.Tests.Runtime;

/// <summary>
/// Issue 8, native resources: disposing twice is harmless and use after dispose is an <see cref="ObjectDisposedException"/>
/// naming the disposed type, for every public <see cref="IDisposable"/> type of the ONNX and core assemblies.
/// </summary>
public class DisposalTests
{
    private const int N = 5, M = 3;

    private static byte[] Linear() => TestModels.Linear(TestModels.Random(N * M, 1), TestModels.Random(M, 2), N, M);

    private static void AssertDisposedError(Type expected, Action use)
    {
        var ex = Assert.Throws<ObjectDisposedException>(use);
        Assert.Equal(expected.FullName, ex.ObjectName);
        Assert.Contains(expected.Name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryPublicDisposableType_IsCoveredHere()
    {
        // A new public IDisposable type in the ONNX or core assembly must get its dispose-twice / use-after-dispose test below.
        Type[] covered = [typeof(OnnxSession), typeof(OnnxFeatureMap), typeof(ApplyOnnxModelTransformer)];
        var disposable = new[] { typeof(OnnxSession).Assembly, typeof(HopfieldContext).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => typeof(IDisposable).IsAssignableFrom(t) && !t.IsInterface)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(covered.OrderBy(t => t.FullName, StringComparer.Ordinal), disposable);

        // OnnxTensor holds only managed memory (ONNX Runtime values live for one Run call inside OnnxSession), so it has nothing to dispose.
        Assert.False(typeof(IDisposable).IsAssignableFrom(typeof(OnnxTensor)));
    }

    [Fact]
    public void OnnxSession_DisposeTwice_ThenEveryEntryPointThrowsNamingTheType()
    {
        var session = OnnxSession.FromBytes(Linear());
        var input = new OnnxTensor(new float[N], 1, N);
        float[] before = session.Run(input).ToArray();
        session.Dispose();
        session.Dispose();
        AssertDisposedError(typeof(OnnxSession), () => session.Run(input));
        AssertDisposedError(typeof(OnnxSession), () => session.Run(new Dictionary<string, OnnxTensor> { ["x"] = input }));
        AssertDisposedError(typeof(OnnxSession), () => session.RunInto(0, new float[N], [1, N], 0, new float[M]));
        Assert.Equal(M, before.Length);

        // The tensor given to the session is untouched and still usable after the session is gone.
        Assert.Equal(new float[N], input.ToArray());
        using var again = OnnxSession.FromBytes(Linear());
        Assert.Equal(before, again.Run(input).ToArray());
    }

    [Fact]
    public void OwningFeatureMap_DisposeTwice_ThenMapThrowsNamingTheFeatureMap()
    {
        var map = OnnxFeatureMap.FromFile(CommittedModels.ModelPath("classifier"));
        Assert.Equal(10, map.Map(new float[784]).Length);
        map.Dispose();
        map.Dispose();
        AssertDisposedError(typeof(OnnxFeatureMap), () => map.Map(new float[784]));
        AssertDisposedError(typeof(OnnxFeatureMap), () => map.Map(new float[784], 1, new float[10]));
        Assert.Equal("logits", map.OutputName); // metadata stays readable
    }

    [Fact]
    public void BorrowingFeatureMap_AfterDispose_ThrowsButLeavesTheSessionUsable()
    {
        using var session = OnnxSession.FromBytes(Linear());
        var map = new OnnxFeatureMap(session);
        map.Dispose();
        map.Dispose();
        AssertDisposedError(typeof(OnnxFeatureMap), () => map.Map(new float[N]));
        Assert.Equal(M, session.Run(new OnnxTensor(new float[N], 1, N)).Data.Length);

        // A map over a session disposed by its owner reports the session.
        var orphan = new OnnxFeatureMap(session);
        session.Dispose();
        AssertDisposedError(typeof(OnnxSession), () => orphan.Map(new float[N]));
    }

    [Fact]
    public void ApplyOnnxModel_DisposeTwice_ThenTransformThrowsNamingTheStage()
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = ctx.Data.FromArrays("Image", CommittedModels.ReferenceImages(), 784);
        var stage = ctx.Transforms.ApplyOnnxModel("Latent", "Image", CommittedModels.ModelPath("autoencoder_encoder")).Fit(data);
        Assert.Equal(8, stage.Transform(data).RowCount);
        stage.Dispose();
        stage.Dispose();
        AssertDisposedError(typeof(ApplyOnnxModelTransformer), () => stage.Transform(data));

        // Saving needs only the stored model bytes, so a disposed stage can still be written out.
        using var ms = new MemoryStream();
        ctx.Model.Save(stage, data.Schema, ms);
        ms.Position = 0;
        var loaded = Assert.IsType<ApplyOnnxModelTransformer>(ctx.Model.Load(ms, out _));
        using (loaded)
        {
            Assert.Equal(8 * 32, loaded.Transform(data).GetColumn("Latent").GetFloats().Length);
        }
    }

    [Fact]
    public void StagesThatShareAnEncoder_ReportTheDisposedEncoder()
    {
        var ctx = new HopfieldContext(seed: 1);
        var data = ctx.Data.FromArrays("Features", CommittedModels.ReferenceImages(), 784);
        var classifier = ctx.Classifiers.OnnxClassifier(CommittedModels.ModelPath("classifier")).Fit(data);
        Assert.Equal(8, classifier.Transform(data).RowCount);
        classifier.Model.Dispose();
        AssertDisposedError(typeof(ApplyOnnxModelTransformer), () => classifier.Transform(data));
    }
}
