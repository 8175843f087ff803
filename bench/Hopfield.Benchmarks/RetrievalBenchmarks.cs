using BenchmarkDotNet.Attributes;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.Benchmarks;

/// <summary>Fused batched retrieval, one batch of B queries per operation (queries/s = B / mean).</summary>
[MemoryDiagnoser]
public class RetrievalBenchmarks
{
    private UniversalHopfieldMemory _memory = null!;
    private float[] _queries = [], _outputs = [];

    [Params(1000, 60000)]
    public int Patterns { get; set; }

    [Params(784)]
    public int Dimension { get; set; }

    [Params(1000)]
    public int Queries { get; set; }

    [Params(SimilarityFunction.Dot, SimilarityFunction.NegativeEuclidean, SimilarityFunction.NegativeManhattan)]
    public SimilarityFunction Similarity { get; set; }

    [Params(MemoryStorage.Float32)]
    public MemoryStorage Storage { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _memory = new UniversalHopfieldMemory(
            Data.Gaussian(random, Patterns * Dimension),
            Patterns,
            default,
            new UniversalHopfieldOptions { Similarity = Similarity, Storage = Storage });
        _queries = Data.Gaussian(random, Queries * Dimension);
        _outputs = new float[Queries * Dimension];
    }

    [Benchmark]
    public void Softmax() => _memory.RetrieveBatch(_queries, Queries, _outputs);
}

/// <summary>Top-k softmax and max separation (heap selection per query, no dense projection).</summary>
[MemoryDiagnoser]
public class TopKBenchmarks
{
    private UniversalHopfieldMemory _topK = null!, _max = null!;
    private float[] _queries = [], _outputs = [];
    private int[] _nearest = [];

    [Params(10000)]
    public int Patterns { get; set; }

    [Params(512)]
    public int Dimension { get; set; }

    [Params(256)]
    public int Queries { get; set; }

    [Params(16)]
    public int K { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2);
        float[] keys = Data.Gaussian(random, Patterns * Dimension);
        _topK = new UniversalHopfieldMemory(keys, Patterns, default, new UniversalHopfieldOptions { Separation = SeparationFunction.TopKSoftmax, TopK = K });
        _max = new UniversalHopfieldMemory(keys, Patterns, default, new UniversalHopfieldOptions { Separation = SeparationFunction.Max });
        _queries = Data.Gaussian(random, Queries * Dimension);
        _outputs = new float[Queries * Dimension];
        _nearest = new int[Queries];
    }

    [Benchmark]
    public void TopKSoftmax() => _topK.RetrieveBatch(_queries, Queries, _outputs);

    [Benchmark]
    public void Nearest() => _max.NearestBatch(_queries, Queries, _nearest);
}
