using BenchmarkDotNet.Running;
using Hopfield.Benchmarks;

// `--raw [m n k]` times the kernels; `--raw fused P D m [hot]` the fused loop without softmax; `--raw chains P D n [hot]` the exact-score chains; with a stopwatch and the thread's CPU time (quick, for tuning on a shared machine);
// `--chart OUT.svg RAW.jsonl...` draws bench/peers/compare.sh --raw records as a bar chart;
// anything else goes to BenchmarkDotNet, e.g. `--filter '*Gemm*' --job short`.
if (args.Length > 0 && args[0] == "--chart")
{
    return Hopfield.Benchmarks.PeerChart.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "--raw")
{
    if (args.Length > 1 && args[1] == "fused")
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        Hopfield.Benchmarks.RawFusedTimer.Run(int.Parse(args[2], inv), int.Parse(args[3], inv), int.Parse(args[4], inv), args.Length > 5 && args[5] == "hot");
        return 0;
    }

    if (args.Length > 1 && args[1] == "chains")
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        Hopfield.Benchmarks.RawChainsTimer.Run(int.Parse(args[2], inv), int.Parse(args[3], inv), int.Parse(args[4], inv), args.Length > 5 && args[5] == "hot");
        return 0;
    }

    if (args.Length > 1 && args[1] == "softmax")
    {
        RawSoftmaxTimer.Run();
        return 0;
    }

    RawKernelTimer.Run(args.AsSpan(1).ToArray());
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
return 0;
