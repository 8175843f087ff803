using Hopfield.ML.Onnx.Export;
using Hopfield.ML.Onnx.Runtime;

namespace Hopfield.ML.Onnx.Tests.Runtime;

public class OnnxSessionTests
{
    private const int N = 5, M = 3;
    private static readonly float[] W = TestModels.Random(N * M, seed: 1);
    private static readonly float[] B = TestModels.Random(M, seed: 2);

    [Fact]
    public void Runtime_IsTheRealOnnxRuntime122()
    {
        Assert.StartsWith("1.22", OnnxRuntime.Version, StringComparison.Ordinal);
        Assert.True(OnnxRuntime.IsLoaded);
        Assert.False(string.IsNullOrEmpty(OnnxRuntime.LibraryPath));
    }

    [Fact]
    public void FromBytes_ReportsNamesTypesAndDynamicShapes()
    {
        using var session = OnnxSession.FromBytes(TestModels.Linear(W, B, N, M));
        var input = Assert.Single(session.Inputs);
        Assert.Equal("x", input.Name);
        Assert.Equal(OnnxElementType.Float, input.ElementType);
        Assert.True(input.IsTensor);
        Assert.Equal([-1L, N], input.Shape);
        Assert.True(input.HasDynamicDimensions);
        var output = Assert.Single(session.Outputs);
        Assert.Equal("y", output.Name);
        Assert.Equal([-1L, M], output.Shape);
    }

    [Fact]
    public void Run_MatMulAdd_MatchesReference()
    {
        using var session = OnnxSession.FromBytes(TestModels.Linear(W, B, N, M));
        float[] x = TestModels.Random(4 * N, seed: 3);
        var y = session.Run(new Dictionary<string, OnnxTensor> { ["x"] = new(x, 4, N) });
        var result = Assert.Single(y);
        Assert.Equal("y", result.Key);
        Assert.Equal([4L, M], result.Value.Shape);
        TestModels.AssertClose(TestModels.LinearReference(x, 4, W, B, N, M), result.Value.Span, 1e-5f);
    }

    [Fact]
    public void FromFile_LoadsAndRuns()
    {
        string path = Path.Combine(Path.GetTempPath(), $"hopfield-onnx-test-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, TestModels.Linear(W, B, N, M));
        try
        {
            using var session = OnnxSession.FromFile(path, new OnnxSessionOptions { IntraOpThreads = 1 });
            float[] x = TestModels.Random(2 * N, seed: 4);
            var y = session.Run(new OnnxTensor(x, 2, N));
            TestModels.AssertClose(TestModels.LinearReference(x, 2, W, B, N, M), y.Span, 1e-5f);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromFile_MissingFile_NamesIt()
    {
        var e = Assert.Throws<FileNotFoundException>(() => OnnxSession.FromFile("no-such-model.onnx"));
        Assert.Contains("no-such-model.onnx", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GraphOptimizationLevel.DisableAll, ExecutionMode.Sequential, 1)]
    [InlineData(GraphOptimizationLevel.Basic, ExecutionMode.Parallel, 2)]
    [InlineData(GraphOptimizationLevel.Extended, ExecutionMode.Sequential, 0)]
    [InlineData(GraphOptimizationLevel.All, ExecutionMode.Parallel, 1)]
    public void Options_AllLevelsAndModes_GiveSameResults(GraphOptimizationLevel level, ExecutionMode mode, int threads)
    {
        var options = new OnnxSessionOptions { GraphOptimizationLevel = level, ExecutionMode = mode, IntraOpThreads = threads, InterOpThreads = threads };
        using var session = OnnxSession.FromBytes(TestModels.Linear(W, B, N, M), options);
        float[] x = TestModels.Random(3 * N, seed: 5);
        TestModels.AssertClose(TestModels.LinearReference(x, 3, W, B, N, M), session.Run(new OnnxTensor(x, 3, N)).Span, 1e-5f);
    }

    [Fact]
    public void Options_NegativeThreads_Rejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxSession.FromBytes(TestModels.Linear(W, B, N, M), new OnnxSessionOptions { IntraOpThreads = -1 }));
        Assert.Equal("IntraOpThreads", e.ParamName);
    }

    [Fact]
    public void Softmax_WithAxisAttribute_MatchesReference()
    {
        var b = new OnnxModelBuilder();
        b.AddInput("x", "batch", 4);
        b.AddNode("Softmax", ["x"], ["y"], OnnxAttribute.Int("axis", 1));
        b.AddOutput("y", "batch", 4);
        using var session = OnnxSession.FromBytes(b.Build());
        float[] x = [1, 2, 3, 4, -1, 0, 1, 100];
        float[] y = session.Run(new OnnxTensor(x, 2, 4)).ToArray();
        for (int r = 0; r < 2; r++)
        {
            double max = x.Skip(r * 4).Take(4).Max();
            double sum = x.Skip(r * 4).Take(4).Sum(v => Math.Exp(v - max));
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(Math.Exp(x[(r * 4) + i] - max) / sum, y[(r * 4) + i], 1e-6);
            }
        }
    }

    [Fact]
    public void Gemm_FloatAndIntAttributes_AndTransposeInts()
    {
        // y = 2 · x · Wᵀ, then transposed with perm [1, 0]: exercises float, int and ints attributes.
        float[] w = TestModels.Random(M * N, seed: 6);
        var b = new OnnxModelBuilder();
        b.AddInput("x", 2, N);
        b.AddInitializer("w", w, M, N);
        b.AddNode("Gemm", ["x", "w"], ["g"], OnnxAttribute.Float("alpha", 2f), OnnxAttribute.Int("transB", 1));
        b.AddNode("Transpose", ["g"], ["y"], OnnxAttribute.Ints("perm", 1, 0));
        b.AddOutput("y", M, 2);
        using var session = OnnxSession.FromBytes(b.Build());
        Assert.Equal([2L, N], session.Inputs[0].Shape);
        Assert.False(session.Inputs[0].HasDynamicDimensions);
        float[] x = TestModels.Random(2 * N, seed: 7);
        var y = session.Run(new OnnxTensor(x, 2, N));
        Assert.Equal([(long)M, 2], y.Shape);
        for (int j = 0; j < M; j++)
        {
            for (int r = 0; r < 2; r++)
            {
                double s = 0;
                for (int k = 0; k < N; k++)
                {
                    s += 2.0 * x[(r * N) + k] * w[(j * N) + k];
                }

                Assert.Equal(s, y.Span[(j * 2) + r], 1e-5);
            }
        }
    }

    [Fact]
    public void TwoInputs_ByName_AndSelectedOutputs()
    {
        var b = new OnnxModelBuilder();
        b.AddInput("a", "batch", 3);
        b.AddInput("b", "batch", 3);
        b.AddNode("Add", ["a", "b"], ["sum"]);
        b.AddNode("Mul", ["a", "b"], ["product"]);
        b.AddOutput("sum", "batch", 3);
        b.AddOutput("product", "batch", 3);
        using var session = OnnxSession.FromBytes(b.Build());
        var inputs = new Dictionary<string, OnnxTensor> { ["a"] = new(new float[] { 1, 2, 3 }, 1, 3), ["b"] = new(new float[] { 4, 5, 6 }, 1, 3) };
        var all = session.Run(inputs);
        Assert.Equal(new float[] { 5, 7, 9 }, all["sum"].ToArray());
        Assert.Equal(new float[] { 4, 10, 18 }, all["product"].ToArray());
        var only = session.Run(inputs, ["product"]);
        Assert.Equal("product", Assert.Single(only).Key);
        Assert.Throws<InvalidOperationException>(() => session.Run(inputs["a"]));
        var e = Assert.Throws<ArgumentException>(() => session.Run(inputs, ["nope"]));
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => session.Run(new Dictionary<string, OnnxTensor> { ["a"] = inputs["a"] }));
        Assert.Contains("'b'", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => session.Run(new Dictionary<string, OnnxTensor>(inputs) { ["c"] = inputs["a"] }));
        Assert.Contains("'c'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedBytes_InvalidProtobuf()
    {
        byte[] garbage = [0xFF, 0xFF, 0xFF, 0x01, 0x02, 0x03, 0x04];
        var e = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromBytes(garbage));
        Assert.Equal(OnnxErrorCode.InvalidProtobuf, e.ErrorCode);
        Assert.Equal(7, (int)e.ErrorCode);
        Assert.Contains("protobuf", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void MalformedFile_MessageNamesFileAndKeepsCode()
    {
        string path = Path.Combine(Path.GetTempPath(), $"hopfield-bad-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0x01]);
        try
        {
            var e = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromFile(path));
            Assert.Equal(OnnxErrorCode.InvalidProtobuf, e.ErrorCode);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UnknownOperator_IsAnOnnxRuntimeError()
    {
        var b = new OnnxModelBuilder();
        b.AddInput("x", "batch", 2);
        b.AddNode("NoSuchOperator", ["x"], ["y"]);
        b.AddOutput("y", "batch", 2);
        var e = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromBytes(b.Build()));
        Assert.NotEqual(OnnxErrorCode.Ok, e.ErrorCode);
        Assert.Contains("NoSuchOperator", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyBytes_Rejected() =>
        Assert.Throws<ArgumentException>(() => OnnxSession.FromBytes(ReadOnlySpan<byte>.Empty));

    [Fact]
    public void WrongInputDimension_ClearError()
    {
        using var session = OnnxSession.FromBytes(TestModels.Linear(W, B, N, M));
        var e = Assert.Throws<ArgumentException>(() => session.Run(new OnnxTensor(new float[2 * (N + 1)], 2, N + 1)));
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"dimension 1 is {N + 1}, expected {N}", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => session.Run(new OnnxTensor(new float[N], N)));
        Assert.Contains("rank 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensor_DataMustMatchShape()
    {
        var e = Assert.Throws<ArgumentException>(() => new OnnxTensor(new float[5], 2, 3));
        Assert.Contains("5", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new OnnxTensor(new float[0], -1, 0));
    }

    [Fact]
    public void ZeroRowBatch_Runs()
    {
        using var session = OnnxSession.FromBytes(TestModels.Linear(W, B, N, M));
        var y = session.Run(new OnnxTensor(Array.Empty<float>(), 0, N));
        Assert.Equal([0L, M], y.Shape);
        Assert.Equal(0, y.Data.Length);
    }

    [Fact]
    public void Run_FromEightThreads_EqualsSequential()
    {
        const int count = 50, dim = 16, threads = 8, perThread = 25;
        using var session = OnnxSession.FromBytes(OnnxExport.ModernHopfield(TestModels.Random(count * dim, 11), count, dim, 3f));
        var queries = Enumerable.Range(0, threads * perThread).Select(i => TestModels.Random(((i % 4) + 1) * dim, 100 + i)).ToArray();
        var expected = queries.Select(q => session.Run(new OnnxTensor(q, q.Length / dim, dim)).ToArray()).ToArray();
        var actual = new float[queries.Length][];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int k = 0; k < perThread; k++)
            {
                int i = (k * threads) + t;
                actual[i] = session.Run(new OnnxTensor(queries[i], queries[i].Length / dim, dim)).ToArray();
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        for (int i = 0; i < queries.Length; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    public void DisposeTwice_Harmless_AndUseAfterDispose_Throws()
    {
        var session = OnnxSession.FromBytes(TestModels.Linear(W, B, N, M));
        var input = new OnnxTensor(new float[N], 1, N);
        Assert.Single(session.Run(input).Shape.Take(1));
        session.Dispose();
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(input));
        Assert.Throws<ObjectDisposedException>(() => session.Run(new Dictionary<string, OnnxTensor> { ["x"] = input }));
        Assert.Equal("x", session.Inputs[0].Name); // metadata stays readable
    }

    [Fact]
    public void DisposeWhileRunning_EachRunSucceedsOrThrowsObjectDisposed()
    {
        const int count = 40, dim = 32;
        var session = OnnxSession.FromBytes(OnnxExport.ModernHopfield(TestModels.Random(count * dim, 51), count, dim, 1f));
        var input = new OnnxTensor(TestModels.Random(8 * dim, 52), 8, dim);
        float[] expected = session.Run(input).ToArray();
        int ok = 0, disposed = 0;
        var workers = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int k = 0; k < 200; k++)
            {
                try
                {
                    Assert.Equal(expected, session.Run(input).ToArray());
                    Interlocked.Increment(ref ok);
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref disposed);
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        Thread.Sleep(20);
        session.Dispose();
        workers.ForEach(w => w.Join());
        Assert.Equal(800, ok + disposed);
        Assert.Throws<ObjectDisposedException>(() => session.Run(input));
    }
}
