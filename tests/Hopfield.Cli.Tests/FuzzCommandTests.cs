using System.Text.Json;
using Hopfield.Cli.Fuzzing;

namespace Hopfield.Cli.Tests;

public class FuzzCommandTests
{
    [Fact]
    public void EveryParser_SmallRun_HasNoFindings()
    {
        var (code, output, error) = CliRunner.Run("fuzz", "--parser", "all", "--iterations", "400", "--seed", "7", "--json");
        Assert.True(code == 0, error + output);
        using var doc = JsonDocument.Parse(output);
        var parsers = doc.RootElement.GetProperty("parsers").EnumerateArray().ToList();
        Assert.Equal(["png", "pnm", "idx", "model", "onnx"], parsers.Select(p => p.GetProperty("parser").GetString()));
        foreach (var p in parsers)
        {
            Assert.Equal(400, p.GetProperty("inputs").GetInt64());
            Assert.Equal(0, p.GetProperty("findings").GetInt64());
            Assert.Equal(400, p.GetProperty("accepted").GetInt64() + p.GetProperty("rejected").GetInt64());
            Assert.True(p.GetProperty("rejected").GetInt64() > 40, $"{p.GetProperty("parser")}: the mutations barely hurt");
            Assert.True(p.GetProperty("inputs_per_second").GetDouble() > 0);
        }
    }

    [Fact]
    public void TableNamesEveryColumn()
    {
        var (code, output, error) = CliRunner.Run("fuzz", "--parser", "pnm", "--iterations", "50");
        Assert.True(code == 0, error);
        foreach (string column in new[] { "parser", "inputs", "accepted", "rejected (documented)", "findings", "inputs/s" })
        {
            Assert.Contains(column, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Iteration_RebuildsTheSameInput()
    {
        string a = Path.GetTempFileName(), b = Path.GetTempFileName();
        try
        {
            var first = CliRunner.Run("fuzz", "--parser", "png", "--seed", "3", "--iteration", "12345", "--save", a);
            var second = CliRunner.Run("fuzz", "--parser", "png", "--seed", "3", "--iteration", "12345", "--save", b);
            Assert.Equal(0, first.ExitCode);
            Assert.Equal(first.Output, second.Output);
            Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
            Assert.Contains("iteration 12345", first.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(a);
            File.Delete(b);
        }
    }

    [Fact]
    public void IterationNeedsOneParser_AndUnknownParserIsAUsageError()
    {
        Assert.Equal(2, CliRunner.Run("fuzz", "--iteration", "3").ExitCode);
        var (code, _, error) = CliRunner.Run("fuzz", "--parser", "jpeg");
        Assert.Equal(2, code);
        Assert.Contains("jpeg", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UndocumentedException_IsAFindingWithItsIteration()
    {
        var target = Toy((d, _) =>
        {
            if (d.Length > 0 && d[0] == 0xFF)
            {
                throw new IndexOutOfRangeException("boom");
            }

            throw new InvalidDataException("bad");
        });
        var report = FuzzRunner.Run(target, 2000, seed: 5, TimeSpan.FromSeconds(10), threads: 2);
        Assert.Equal(2000, report.Inputs);
        Assert.True(report.FindingCount > 0);
        var f = report.Findings[0];
        Assert.Equal("System.IndexOutOfRangeException", f.ExceptionType);
        Assert.Equal(0xFF, FuzzRunner.Input(target, 5, f.Iteration)[0]);
        Assert.Equal(report.Inputs, report.Accepted + report.Rejected + report.FindingCount);
    }

    [Fact]
    public void SlowInput_IsReportedAsAHang()
    {
        using var release = new ManualResetEventSlim();
        var target = Toy((d, i) =>
        {
            if (i == 0)
            {
                release.Wait(TimeSpan.FromSeconds(10)); // the first input "hangs"
            }
        });
        var report = FuzzRunner.Run(target, 50, seed: 1, TimeSpan.FromMilliseconds(200), threads: 2);
        release.Set();
        var hang = Assert.Single(report.Findings);
        Assert.Equal("hang", hang.Kind);
        Assert.Equal(50, report.Inputs);
    }

    private static FuzzTarget Toy(Action<byte[], int> parse)
    {
        int calls = -1;
        return new FuzzTarget
        {
            Name = "toy",
            Seeds = [[1, 2, 3, 4, 5, 6, 7, 8]],
            Parse = d =>
            {
                int n = Interlocked.Increment(ref calls);
                if (n > 0)
                {
                    parse(d, n - 1); // call 0 is the seed check
                }
            },
            IsDocumented = (ex, _) => ex is InvalidDataException,
            DocumentedExceptions = "InvalidDataException",
        };
    }
}
