using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;
using Hopfield.Cli.Experiments;
using Hopfield.ML.Imaging.Codecs;

namespace Hopfield.Cli.Tests.Experiments;

public sealed class ExperimentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hopfield-exp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonElement Json(params string[] args)
    {
        var (code, stdout, error) = CliRunner.Run(args);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(stdout);
        return doc.RootElement.Clone();
    }

    [Fact]
    public void AesSboxMatchesFips197AndIsABijection()
    {
        var s = Crypto8.AesSbox;
        Assert.Equal(0x63, s[0x00]);
        Assert.Equal(0x7C, s[0x01]);
        Assert.Equal(0xED, s[0x53]);
        Assert.Equal(0x16, s[0xFF]);
        Assert.Equal(0xCA, s[0x10]);
        Assert.Equal(256, s.Distinct().Count());
        Assert.Equal(SHA256.HashData(new byte[] { 7 })[0], Crypto8.Apply("sha8", 7));
        Assert.Equal(0b1010_0101, Crypto8.FromBits(Crypto8.Bits(0b1010_0101)));
    }

    [Fact]
    public void Crypto8MemorisesTheSboxButDoesNotGeneraliseWhileTheXorControlGeneralises()
    {
        var root = Json("experiment", "crypto8", "--functions", "aes,xor", "--fractions", "0.75", "--repeats", "1", "--epochs", "20", "--hidden", "4", "--json");
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        JsonElement Row(string f, string model) => rows.Single(r => r.GetProperty("function").GetString() == f && r.GetProperty("model").GetString() == model);
        var aes = Row("aes", "hopfield memory");
        Assert.Equal(1.0, aes.GetProperty("stored_accuracy").GetDouble());
        Assert.True(aes.GetProperty("held_out_accuracy").GetDouble() <= 0.05);
        Assert.InRange(aes.GetProperty("held_out_bit_accuracy").GetDouble(), 0.35, 0.65);
        Assert.True(Row("xor", "hopfield memory").GetProperty("held_out_accuracy").GetDouble() >= 0.8);
        Assert.Equal(1 / 256.0, Row("aes", "chance").GetProperty("held_out_accuracy").GetDouble(), 9);
    }

    [Fact]
    public void CapacityCurvesSeparateDistanceSimilaritiesFromIdentityAndWriteCharts()
    {
        var root = Json("experiment", "capacity-curves", "--datasets", "mnist", "--counts", "10,50", "--queries", "20", "--out", _dir, "--json");
        var curves = root.GetProperty("curves").EnumerateArray().ToList();
        Assert.Equal(2 * 14, curves.Count);
        double[] Success(string corruption, string sim, string sep) => curves.Single(c =>
                c.GetProperty("corruption").GetString()!.StartsWith(corruption, StringComparison.Ordinal)
                && c.GetProperty("similarity").GetString() == sim && c.GetProperty("separation").GetString() == sep)
            .GetProperty("success").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.True(Success("gaussian", "manhattan", "max")[0] >= 0.9);
        Assert.True(Success("gaussian", "euclidean", "max")[1] >= 0.8);
        Assert.All(Success("gaussian", "dot", "identity"), v => Assert.Equal(0, v));
        var charts = root.GetProperty("charts").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(2, charts.Count);
        Assert.All(charts, c => Assert.Equal(14, XDocument.Load(c).Descendants(XName.Get("polyline", "http://www.w3.org/2000/svg")).Count()));
    }

    [Fact]
    public void CapacityCurvesRejectMoreImagesThanTheDataSetHas()
    {
        var (code, _, error) = CliRunner.Run("experiment", "capacity-curves", "--datasets", "mnist", "--counts", "5000");
        Assert.Equal(1, code);
        Assert.Contains("--counts", error, StringComparison.Ordinal);
    }

    [Fact]
    public void HashKeysFromSha256AreExactButCannotBeRecomputedFromANoisyImage()
    {
        var root = Json("experiment", "hash-association", "--keys", "simhash,sha256", "--dims", "64", "--counts", "100", "--queries", "40",
            "--flips", "0.1", "--key-noise", "0.5", "--image-noise", "0.1", "--json");
        var damages = root.GetProperty("damages").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["clean", "flip 10%", "key σ=0.5", "image σ=0.1"], damages);
        var rows = root.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty("success").EnumerateArray().Select(e => e.GetDouble()).ToArray());
        Assert.Equal(1.0, rows["sha256"][0]);
        Assert.Equal(1.0, rows["sha256"][1]);  // 6 flipped bits of 64: random codes are far apart
        Assert.True(rows["sha256"][3] <= 0.1); // the avalanche effect: a noisy copy hashes elsewhere
        Assert.True(rows["simhash"][3] >= 0.8); // locality-sensitive: a noisy copy keeps most sign bits
    }

    [Fact]
    public void SegmentByRetrievalBeatsThresholdingANoisyImageAndWritesThePicture()
    {
        var root = Json("experiment", "segment", "--stored", "200", "--queries", "30", "--corruptions", "gaussian:0.3", "--out", _dir, "--json");
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(4, rows.Count); // none and gaussian, each on stored and held-out queries
        var clean = rows.Single(r => r.GetProperty("corruption").GetString() == "none" && r.GetProperty("queries").GetString() == "stored");
        Assert.True(clean.GetProperty("memory_iou").GetDouble() >= 0.99);
        var noisy = rows.Single(r => r.GetProperty("corruption").GetString() == "gaussian:0.3" && r.GetProperty("queries").GetString() == "stored");
        Assert.True(noisy.GetProperty("memory_iou").GetDouble() > noisy.GetProperty("threshold_iou").GetDouble() + 0.1);
        var picture = ImageFile.Read(root.GetProperty("picture").GetString()!);
        Assert.True(picture.Width > 4 * 28 && picture.Height > 2 * 28);
    }

    [Fact]
    public void PoolingReportsAucsAndWhatTheAttentionLookedAt()
    {
        var root = Json("experiment", "pooling", "--train-bags", "120", "--test-bags", "100", "--reports", "2", "--json");
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["mean", "max", "hopfield", "hopfield", "hopfield"], rows.Select(r => r.GetProperty("pooling").GetString()));
        Assert.All(rows, r => Assert.InRange(r.GetProperty("auc").GetDouble(), 0, 1));
        Assert.True(rows[4].GetProperty("auc").GetDouble() >= 0.75, "the target-class query should make bags separable");
        Assert.True(rows[3].GetProperty("auc").GetDouble() > rows[1].GetProperty("auc").GetDouble(), "the trained query should beat max pooling");
        var reports = root.GetProperty("reports").EnumerateArray().ToList();
        Assert.Equal(2, reports.Count);
        var positive = reports.Single(r => r.GetProperty("positive").GetBoolean());
        var weights = positive.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("weight").GetDouble()).ToList();
        Assert.True(weights.SequenceEqual(weights.OrderDescending()) && weights.Sum() <= 1.0001);
    }

    [Fact]
    public void AucAndIouHelpersGiveKnownValues()
    {
        Assert.Equal(0.75, ExperimentKit.Auc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 9);
        Assert.Equal(0.5, ExperimentKit.Auc([1, 1, 1, 1], [false, true, false, true]), 9);
        Assert.Equal(1.0 / 3, Segment.Iou([1, 1, 0, 0], [0, 1, 1, 0]), 9);
        Assert.Equal(1.0, Segment.Iou([0, 0], [0, 0]));
    }

    [Fact]
    public void UnknownFunctionIsNamedInTheError()
    {
        var (code, _, error) = CliRunner.Run("experiment", "crypto8", "--functions", "md5");
        Assert.Equal(1, code);
        Assert.Contains("md5", error, StringComparison.Ordinal);
    }
}
