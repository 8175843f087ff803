using System.Runtime.InteropServices;
using System.Text.Json;

namespace Hopfield.ML.Onnx.Tests.Models;

/// <summary>Finds the committed models (onnx/models, with manifest.json) by walking up from the test binaries.</summary>
internal static class CommittedModels
{
    private static readonly Lazy<string> LazyFolder = new(Locate);

    public static string Folder => LazyFolder.Value;

    public static string PathOf(string file) => Path.Combine(Folder, file);

    public static JsonDocument Manifest() => JsonDocument.Parse(File.ReadAllBytes(PathOf("manifest.json")));

    public static IEnumerable<string> ModelNames()
    {
        using var doc = Manifest();
        return doc.RootElement.GetProperty("models").EnumerateObject().Select(p => p.Name).ToArray();
    }

    public static bool Has(string name)
    {
        using var doc = Manifest();
        return doc.RootElement.GetProperty("models").TryGetProperty(name, out _);
    }

    public static string ModelPath(string name)
    {
        using var doc = Manifest();
        return PathOf(doc.RootElement.GetProperty("models").GetProperty(name).GetProperty("file").GetString()!);
    }

    public static float[] ReadFloats(string file)
    {
        byte[] bytes = File.ReadAllBytes(PathOf(file));
        Assert.True(bytes.Length % 4 == 0, $"{file} has {bytes.Length} bytes, not a whole number of float32 values.");
        float[] values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        }

        return values;
    }

    /// <summary>The 8 reference images (first t10k test images, pixel/255), 8 × 784.</summary>
    public static float[] ReferenceImages() => ReadFloats("reference_inputs.f32");

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "onnx", "models");
            if (File.Exists(Path.Combine(candidate, "manifest.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"onnx/models/manifest.json not found above {AppContext.BaseDirectory}.");
    }
}
