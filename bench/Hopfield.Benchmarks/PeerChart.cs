using System.Globalization;
using System.Text.Json;
using Hopfield.ML.Imaging.Charts;

namespace Hopfield.Benchmarks;

/// <summary>
/// `--chart OUT.svg RAW.jsonl...`: the grouped GFLOP/s bar chart of bench/peers/compare.sh --raw records, drawn with the
/// library's <see cref="SvgChart"/>. One group per P×D×B, one bar per implementation; with several runs of the same size
/// and implementation, the bar is their median.
/// </summary>
internal static class PeerChart
{
    private static readonly (string Key, string Name)[] Peers =
        [("hopfield.ml", "Hopfield.ML"), ("ort", "ONNX Runtime 1.22"), ("numpy", "numpy + OpenBLAS"), ("torch", "torch 1.13")];

    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: --chart OUT.svg RAW.jsonl [RAW.jsonl ...]");
            return 2;
        }

        var samples = new Dictionary<(int P, int D, int B), Dictionary<string, List<double>>>();
        foreach (string path in args.Skip(1))
        {
            int n = 0;
            foreach (string line in File.ReadLines(path))
            {
                n++;
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                JsonElement r;
                try
                {
                    r = JsonDocument.Parse(line).RootElement;
                }
                catch (JsonException e)
                {
                    Console.Error.WriteLine($"{path}:{n}: not JSON ({e.Message})");
                    return 1;
                }

                if (!r.TryGetProperty("gflops", out var g) || (r.TryGetProperty("similarity", out var sim) && sim.GetString() != "dot"))
                {
                    continue;
                }

                string peer = r.TryGetProperty("peer", out var p) ? p.GetString() ?? "hopfield.ml" : "hopfield.ml";
                var size = (r.GetProperty("patterns").GetInt32(), r.GetProperty("dim").GetInt32(), r.GetProperty("queries").GetInt32());
                if (!samples.TryGetValue(size, out var bySize))
                {
                    samples[size] = bySize = [];
                }

                if (!bySize.TryGetValue(peer, out var list))
                {
                    bySize[peer] = list = [];
                }

                list.Add(g.GetDouble());
            }
        }

        if (samples.Count == 0)
        {
            Console.Error.WriteLine("no dot retrieval records with gflops");
            return 1;
        }

        var sizes = samples.Keys.OrderBy(s => s.P).ThenByDescending(s => s.D).ThenBy(s => s.B).ToList();
        var series = Peers
            .Where(peer => sizes.All(s => samples[s].ContainsKey(peer.Key)))
            .Select(peer => ChartSeries.Bars(peer.Name, sizes.Select(s => Median(samples[s][peer.Key])).ToList()))
            .ToList();
        int runs = samples.Values.SelectMany(v => v.Values).Max(v => v.Count);
        string svg = SvgChart.Bar(
            sizes.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.P} × {s.D} × {s.B}")).ToList(),
            series,
            new ChartOptions
            {
                Title = runs == 1 ? "Retrieval, fp32, 2 threads, one run" : $"Retrieval, fp32, 2 threads, median of {runs} runs",
                XLabel = "patterns × dim × queries",
                YLabel = "GFLOP/s (4·P·D·B per batch; fp32 limit 390)",
                YMin = 0,
            });
        File.WriteAllText(args[0], svg);
        Console.WriteLine($"wrote {args[0]}");
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int m = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
