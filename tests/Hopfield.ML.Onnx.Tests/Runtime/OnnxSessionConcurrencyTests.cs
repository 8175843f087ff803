using Hopfield.ML.Onnx.Runtime;
using Hopfield.ML.Onnx.Tests.Models;
using Hopfield.Testing;

namespace Hopfield.ML.Onnx.Tests.Runtime;

/// <summary>
/// Issue 8, concurrency: one <see cref="OnnxSession"/> of each committed image model, shared by 8 threads, gives exactly the
/// sequential outputs for batches of 1 to 8 images, through both <c>Run</c> overloads.
/// </summary>
public class OnnxSessionConcurrencyTests
{
    [Theory]
    [InlineData("classifier", 0)]
    [InlineData("simclr_encoder", 1)]
    [InlineData("autoencoder_encoder", 2)]
    public void CommittedModel_RunFromEightThreads_EqualsSequential(string model, int intraOpThreads)
    {
        using var session = OnnxSession.FromFile(CommittedModels.ModelPath(model), new OnnxSessionOptions { IntraOpThreads = intraOpThreads });
        float[] images = CommittedModels.ReferenceImages();
        string input = session.Inputs[0].Name, output = session.Outputs[0].Name;

        // Inputs: every single image, and batches of 2..8 images starting at different offsets.
        var batches = Enumerable.Range(0, 8).Select(i => new OnnxTensor(images.AsMemory(i * 784, 784), 1, 1, 28, 28))
            .Concat(Enumerable.Range(2, 7).Select(n => new OnnxTensor(images.AsMemory((8 - n) * 784, n * 784), n, 1, 28, 28)))
            .ToArray();

        var report = ConcurrencyStress.Run(batches.Length * 2, i =>
        {
            var tensor = batches[i / 2];
            return i % 2 == 0
                ? session.Run(tensor).ToArray()
                : session.Run(new Dictionary<string, OnnxTensor> { [input] = tensor }, [output])[output].ToArray();
        }, (a, b) => ConcurrencyStress.BitEqual(a, b), budgetSeconds: 0.3);
        Assert.True(report.Calls >= 8 * 2 * batches.Length * 2);
    }

    [Fact]
    public void CreateRunDispose_FromEightThreads_EqualsSequential()
    {
        // Sessions created, run and disposed on 8 threads at once (the shared runtime environment and allocator under load).
        byte[] model = File.ReadAllBytes(CommittedModels.ModelPath("classifier"));
        float[] images = CommittedModels.ReferenceImages();
        ConcurrencyStress.Run(8, i =>
        {
            using var session = OnnxSession.FromBytes(model, new OnnxSessionOptions { IntraOpThreads = 1 });
            return session.Run(new OnnxTensor(images.AsMemory(i * 784, 784), 1, 1, 28, 28)).ToArray();
        }, (a, b) => ConcurrencyStress.BitEqual(a, b), budgetSeconds: 0.2);
    }
}
