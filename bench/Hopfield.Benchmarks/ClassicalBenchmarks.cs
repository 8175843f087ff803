using BenchmarkDotNet.Attributes;
using Hopfield.ML.Memories;

namespace Hopfield.Benchmarks;

/// <summary>One synchronous sweep of a Hebbian classical network (bit-packed patterns, fields Xᵀ(X s)).</summary>
[MemoryDiagnoser]
public class ClassicalBenchmarks
{
    private ClassicalHopfieldNetwork _network = null!;
    private IBinaryDynamics _dynamics = null!;
    private sbyte[] _probe = [], _next = [];
    private BinaryRecallOptions _oneSweep = null!;

    [Params(16384, 1048576)]
    public int Neurons { get; set; }

    [Params(10)]
    public int Patterns { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        _network = new ClassicalHopfieldNetwork(Neurons);
        for (int p = 0; p < Patterns; p++)
        {
            _network.Store(Enumerable.Range(0, Neurons).Select(_ => random.Next(2) == 0 ? (sbyte)-1 : (sbyte)1).ToArray());
        }

        _probe = _network.GetPattern(0);
        for (int i = 0; i < Neurons; i += 10)
        {
            _probe[i] = (sbyte)-_probe[i];
        }

        _next = new sbyte[Neurons];
        _dynamics = _network.CreateDynamics();
        _oneSweep = new BinaryRecallOptions { Mode = BinaryUpdateMode.Synchronous, MaxSweeps = 1, RecordEnergy = false };
    }

    [Benchmark]
    public int SynchronousSweep() => _dynamics.SynchronousStep(_probe, _next);

    [Benchmark]
    public BinaryRecallResult RecallOneSweep() => _network.Recall(_probe, _oneSweep);
}
