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

    [Fact]
    public void EmptyBytes_MessageSaysSo()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxSession.FromBytes([]));
        Assert.Contains("The model bytes are empty", e.Message, StringComparison.Ordinal);
    }
}
