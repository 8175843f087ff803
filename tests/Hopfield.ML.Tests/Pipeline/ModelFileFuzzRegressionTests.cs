using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Tests.Pipeline;

/// <summary>
/// Inputs found by <c>hopfield fuzz --parser model</c> (and their near relatives), rebuilt from bytes: a valid model
/// file whose manifest is edited, with the lengths and the SHA-256 made consistent again so that the edit reaches
/// the code behind the checksum. Each must be refused with <see cref="InvalidDataException"/> naming the problem.
/// </summary>
public sealed class ModelFileFuzzRegressionTests
{
    private static (HopfieldContext Ctx, byte[] Bytes) SavedChain()
    {
        var ctx = new HopfieldContext(seed: 3);
        var train = PipelineTestData.BlobSet(ctx, classes: 3, perClass: 4, dim: 4, seed: 1);
        var model = ctx.Transforms.NormalizeMeanVariance("Features")
            .Append(ctx.Classifiers.SoftmaxRegression(maxIterations: 2))
            .Fit(train);
        using var ms = new MemoryStream();
        ctx.Model.Save(model, train.Schema, ms);
        return (ctx, ms.ToArray());
    }

    /// <summary>Replaces bytes of the manifest and makes the header length and the checksum fit again.</summary>
    internal static byte[] EditManifest(byte[] file, Func<byte[], byte[]> edit)
    {
        int m = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(16));
        var manifest = edit(file[32..(32 + m)]);
        byte[] result = [.. file.AsSpan(0, 32), .. manifest, .. file.AsSpan(32 + m, file.Length - 32 - m - 32), .. new byte[32]];
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(16), (ulong)manifest.Length);
        SHA256.HashData(result.AsSpan(0, result.Length - 32), result.AsSpan(result.Length - 32));
        return result;
    }

    private static byte[] Replace(byte[] text, string from, string to, int count = 1)
    {
        string s = Encoding.UTF8.GetString(text);
        int at = s.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{from}' not in the manifest");
        return Encoding.UTF8.GetBytes(count == 1 ? s[..at] + to + s[(at + from.Length)..] : s.Replace(from, to, StringComparison.Ordinal));
    }

    private static InvalidDataException Load(HopfieldContext ctx, byte[] bytes) =>
        Assert.Throws<InvalidDataException>(() => ctx.Model.Load(new MemoryStream(bytes), out _));

    [Fact]
    public void ManifestThatIsNotUtf8_IsInvalidData()
    {
        // Found as InvalidOperationException ("Cannot transcode invalid UTF-8 JSON text") on first access.
        var (ctx, bytes) = SavedChain();
        var bad = EditManifest(bytes, m =>
        {
            int at = Encoding.UTF8.GetString(m).IndexOf("Hopfield.ML.Model", StringComparison.Ordinal);
            m[at + 3] = 0xF4;
            return m;
        });
        var e = Load(ctx, bad);
        Assert.Contains("not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicatePropertyInManifest_IsInvalidData()
    {
        // Found as ArgumentException ("An item with the same key has already been added. Key: version").
        var (ctx, bytes) = SavedChain();
        var bad = EditManifest(bytes, m => Replace(m, "\"version\": 1,", "\"version\": 1, \"version\": 1,"));
        var e = Load(ctx, bad);
        Assert.Contains("malformed manifest", e.Message, StringComparison.Ordinal);
        Assert.Contains("version", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChainCountLargerThanItsStages_IsRefusedBeforeAllocating()
    {
        // Found as OutOfMemoryException: 'count' sized an array before any child was read.
        var (ctx, bytes) = SavedChain();
        var bad = EditManifest(bytes, m => Replace(m, "\"count\": 2", "\"count\": 2147483647"));
        var e = Load(ctx, bad);
        Assert.Contains("declares 2147483647 stages but the file has 2 child stages", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("1000000000000")]
    [InlineData("-1")]
    public void TensorLengthLie_IsRefusedBeforeAllocating(string length)
    {
        // long.MaxValue × 4 overflowed the bounds check and reached Slice (ArgumentOutOfRangeException).
        var (ctx, bytes) = SavedChain();
        var bad = EditManifest(bytes, m =>
        {
            string s = Encoding.UTF8.GetString(m);
            int at = s.IndexOf("\"length\": ", StringComparison.Ordinal) + "\"length\": ".Length;
            int end = at;
            while (char.IsAsciiDigit(s[end]))
            {
                end++;
            }

            return Encoding.UTF8.GetBytes(s[..at] + length + s[end..]);
        });
        var e = Load(ctx, bad);
        Assert.Contains("lies outside the payload", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TensorShapeThatDoesNotHoldItsLength_IsRefused()
    {
        var (ctx, bytes) = SavedChain();
        var bad = EditManifest(bytes, m =>
        {
            string s = Encoding.UTF8.GetString(m);
            int at = s.IndexOf("\"shape\": [", StringComparison.Ordinal);
            int end = s.IndexOf(']', at);
            return Encoding.UTF8.GetBytes(s[..at] + "\"shape\": [1000000, 1000000]" + s[(end + 1)..]);
        });
        var e = Load(ctx, bad);
        Assert.Contains("does not hold its", e.Message, StringComparison.Ordinal);
    }
}
