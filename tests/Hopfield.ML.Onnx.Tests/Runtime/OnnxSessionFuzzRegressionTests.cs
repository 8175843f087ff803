using Hopfield.ML.Onnx.Export;
using Hopfield.ML.Onnx.Runtime;

namespace Hopfield.ML.Onnx.Tests.Runtime;

/// <summary>Inputs found by <c>hopfield fuzz --parser onnx</c>, rebuilt from bytes.</summary>
public class OnnxSessionFuzzRegressionTests
{
    [Fact]
    public void OutputListedTwice_IsAnOnnxRuntimeErrorNamingIt()
    {
        // ONNX Runtime accepts a graph that lists the same output twice; the binding threw ArgumentException from a
        // dictionary (found with seed 1, iteration 37468: a spliced exported memory whose 'retrieved' output repeats).
        var b = new OnnxModelBuilder("twice");
        b.AddInput("x", "batch", 2);
        b.AddNode("Relu", ["x"], ["y"]);
        b.AddOutput("y", "batch", 2);
        b.AddOutput("y", "batch", 2);
        var e = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromBytes(b.Build()));
        Assert.Equal(OnnxErrorCode.InvalidGraph, e.ErrorCode);
        Assert.Contains("output 'y' more than once", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Conv", "strides", 0L)]
    [InlineData("Conv", "dilations", -1L)]
    [InlineData("Conv", "group", 0L)]
    [InlineData("MaxPool", "strides", 0L)]
    [InlineData("MaxPool", "kernel_shape", 0L)]
    [InlineData("AveragePool", "strides", 0L)]
    [InlineData("SpaceToDepth", "blocksize", 0L)]
    public void ZeroStrideAndFriends_AreRefusedBeforeOnnxRuntimeDividesByThem(string op, string attribute, long value)
    {
        // Found with `hopfield fuzz --parser onnx --seed 3 --corpus onnx/models`, iteration 340944: classifier.onnx with
        // a Conv stride mutated from 1 to 0 killed the process inside ONNX Runtime 1.22 (SIGFPE, exit 136). Without the
        // binding's screen this test would crash the test host.
        var b = Build(op, attribute, value);
        var e = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromBytes(b));
        Assert.Equal(OnnxErrorCode.InvalidGraph, e.ErrorCode);
        Assert.Contains($"{attribute} = {value}", e.Message, StringComparison.Ordinal);
        Assert.Contains($"node '{op}_0' ({op})", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidStridesLoadAndRun()
    {
        using var session = OnnxSession.FromBytes(Build("Conv", "strides", 1L));
        var y = session.Run(new Dictionary<string, OnnxTensor> { ["x"] = new(new float[16], 1, 1, 4, 4) })["y"];
        Assert.Equal(9, y.Span.Length);
    }

    private static byte[] Build(string op, string attribute, long value)
    {
        var b = new OnnxModelBuilder("screen");
        b.AddInput("x", 1, 1, 4, 4);
        if (op == "Conv")
        {
            b.AddInitializer("w", new float[4], 1, 1, 2, 2);
            b.AddNode("Conv", ["x", "w"], ["y"], attribute == "group" ? OnnxAttribute.Int("group", value) : OnnxAttribute.Ints(attribute, value, value));
            b.AddOutput("y", 1, 1, 3, 3);
        }
        else if (op == "SpaceToDepth")
        {
            b.AddNode(op, ["x"], ["y"], OnnxAttribute.Int(attribute, value));
            b.AddOutput("y", 1, 4, 2, 2);
        }
        else
        {
            b.AddNode(op, ["x"], ["y"], attribute == "kernel_shape"
                ? [OnnxAttribute.Ints("kernel_shape", value, value)]
                : [OnnxAttribute.Ints("kernel_shape", 2, 2), OnnxAttribute.Ints(attribute, value, value)]);
            b.AddOutput("y", 1, 1, 3, 3);
        }

        return b.Build();
    }

    [Fact]
    public void EmptyBytes_MessageSaysSo()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxSession.FromBytes([]));
        Assert.Contains("The model bytes are empty", e.Message, StringComparison.Ordinal);
    }
}
