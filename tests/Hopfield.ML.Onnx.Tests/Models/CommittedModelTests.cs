using System.Security.Cryptography;
using System.Text.Json;
using Hopfield.ML.Onnx.FeatureMaps;
using Hopfield.ML.Onnx.Runtime;

namespace Hopfield.ML.Onnx.Tests.Models;

/// <summary>The committed models load through the binding, match their manifest and reproduce their reference outputs.</summary>
public class CommittedModelTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (string name in CommittedModels.ModelNames())
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void ManifestListsTheExpectedModels()
    {
        var names = CommittedModels.ModelNames().ToHashSet();
        Assert.Contains("classifier", names);
        Assert.Contains("autoencoder_encoder", names);
        Assert.Contains("autoencoder_decoder", names);
        Assert.Contains("simclr_encoder", names);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void FileHashesMatchTheManifest(string name)
    {
        using var doc = CommittedModels.Manifest();
        var m = doc.RootElement.GetProperty("models").GetProperty(name);
        string file = m.GetProperty("file").GetString()!;
        byte[] bytes = File.ReadAllBytes(CommittedModels.PathOf(file));
        Assert.Equal(m.GetProperty("bytes").GetInt64(), bytes.LongLength);
        Assert.Equal(m.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        if (m.TryGetProperty("reference_outputs_sha256", out var refSha))
        {
            byte[] reference = File.ReadAllBytes(CommittedModels.PathOf(m.GetProperty("reference_outputs_file").GetString()!));
            Assert.Equal(refSha.GetString(), Convert.ToHexStringLower(SHA256.HashData(reference)));
        }
    }

    [Fact]
    public void ReferenceInputsHashMatchesTheManifest()
    {
        using var doc = CommittedModels.Manifest();
        var r = doc.RootElement.GetProperty("reference_inputs");
        byte[] bytes = File.ReadAllBytes(CommittedModels.PathOf(r.GetProperty("file").GetString()!));
        Assert.Equal(r.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        long elements = r.GetProperty("shape").EnumerateArray().Aggregate(1L, (a, d) => a * d.GetInt64());
        Assert.Equal(elements * 4, bytes.LongLength);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ModelReproducesItsReferenceOutputs(string name)
    {
        using var doc = CommittedModels.Manifest();
        var m = doc.RootElement.GetProperty("models").GetProperty(name);
        string inputFile = m.TryGetProperty("reference_inputs_file", out var rif) ? rif.GetString()! : doc.RootElement.GetProperty("reference_inputs").GetProperty("file").GetString()!;
        float[] inputs = CommittedModels.ReadFloats(inputFile);
        float[] expected = CommittedModels.ReadFloats(m.GetProperty("reference_outputs_file").GetString()!);

        using var session = OnnxSession.FromFile(CommittedModels.PathOf(m.GetProperty("file").GetString()!));
        var declaredIn = m.GetProperty("inputs")[0];
        var declaredOut = m.GetProperty("outputs")[0];
        Assert.Equal(declaredIn.GetProperty("name").GetString(), Assert.Single(session.Inputs).Name);
        Assert.Equal(declaredOut.GetProperty("name").GetString(), session.Outputs[0].Name);

        long[] inShape = Shape(declaredIn, inputs.Length);
        var output = session.Run(new OnnxTensor(inputs, inShape));
        Assert.Equal(Shape(declaredOut, expected.Length), output.Shape);
        TestModels.AssertClose(expected, output.Span, 1e-4f);

        // The manifest's own summary values agree with the reference file (guards against a stale reference file).
        if (m.TryGetProperty("reference_outputs", out var rows))
        {
            float[] flat = rows.EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetSingle())).ToArray();
            TestModels.AssertClose(flat, expected, 1e-5f);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void FeatureMapMatchesTheSession(string name)
    {
        using var doc = CommittedModels.Manifest();
        var m = doc.RootElement.GetProperty("models").GetProperty(name);
        string inputFile = m.TryGetProperty("reference_inputs_file", out var rif) ? rif.GetString()! : "reference_inputs.f32";
        float[] inputs = CommittedModels.ReadFloats(inputFile);
        float[] expected = CommittedModels.ReadFloats(m.GetProperty("reference_outputs_file").GetString()!);
        using var map = OnnxFeatureMap.FromFile(CommittedModels.PathOf(m.GetProperty("file").GetString()!), new OnnxFeatureMapOptions { BatchSize = 3 });
        int rows = inputs.Length / map.InputDimension;
        Assert.Equal(expected.Length / rows, map.OutputDimension);
        float[] actual = new float[expected.Length];
        map.Map(inputs, rows, actual);
        TestModels.AssertClose(expected, actual, 1e-4f);
    }

    private static long[] Shape(JsonElement declared, int elements)
    {
        long[] dims = declared.GetProperty("shape").EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Number ? d.GetInt64() : -1).ToArray();
        long fixedProduct = dims.Where(d => d > 0).Aggregate(1L, (a, d) => a * d);
        return dims.Select(d => d > 0 ? d : elements / fixedProduct).ToArray();
    }
}
