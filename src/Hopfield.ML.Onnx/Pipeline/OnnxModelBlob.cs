using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Onnx.Pipeline;

/// <summary>
/// Stores ONNX model bytes inside a Hopfield model file: packed little-endian into an int32 tensor, with the byte length and
/// SHA-256 as parameters (checked on load). The model file is then self-contained: moving or editing the original .onnx file
/// cannot change a saved pipeline.
/// </summary>
internal static class OnnxModelBlob
{
    public static string Sha256(ReadOnlySpan<byte> model) => Convert.ToHexStringLower(SHA256.HashData(model));

    public static void Save(ModelSaveContext context, string name, byte[] model)
    {
        int[] packed = new int[(model.Length + 3) / 4];
        byte[] padded = new byte[packed.Length * 4];
        model.CopyTo(padded, 0);
        for (int i = 0; i < packed.Length; i++)
        {
            packed[i] = BinaryPrimitives.ReadInt32LittleEndian(padded.AsSpan(i * 4));
        }

        context.AddTensor(name, packed);
        context.SetParameter(name + "Bytes", model.Length);
        context.SetParameter(name + "Sha256", Sha256(model));
    }

    public static byte[] Load(ModelLoadContext context, string name)
    {
        int length = context.GetInt32(name + "Bytes");
        string expected = context.GetString(name + "Sha256");
        int[] packed = context.GetInt32Tensor(name);
        if (length < 0 || (long)packed.Length * 4 < length || (long)packed.Length * 4 >= (long)length + 4)
        {
            throw context.Error(string.Create(CultureInfo.InvariantCulture, $"ONNX model '{name}' declares {length} bytes but its tensor holds {packed.Length * 4L}"));
        }

        byte[] bytes = new byte[packed.Length * 4];
        for (int i = 0; i < packed.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), packed[i]);
        }

        Array.Resize(ref bytes, length);
        string actual = Sha256(bytes);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw context.Error($"ONNX model '{name}' has SHA-256 {actual}, but the file records {expected}");
        }

        return bytes;
    }
}
