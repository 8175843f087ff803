using BenchmarkDotNet.Running;
using Hopfield.Benchmarks;

// `--raw` times the kernels with a stopwatch and the thread's CPU time (quick, for tuning on a shared machine);
// anything else goes to BenchmarkDotNet, e.g. `--filter '*Gemm*' --job short`.
if (args.Length > 0 && args[0] == "--raw")
{
    if (args.Length > 1 && args[1] == "softmax")
    {
        RawSoftmaxTimer.Run();
        return;
    }

    RawKernelTimer.Run(args.AsSpan(1).ToArray());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
