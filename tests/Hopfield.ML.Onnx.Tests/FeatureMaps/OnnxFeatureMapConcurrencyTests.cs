using Hopfield.ML.Memories.Semantic;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.FeatureMaps;
using Hopfield.ML.Onnx.Tests.Models;
using Hopfield.Testing;

namespace Hopfield.ML.Onnx.Tests.FeatureMaps;

/// <summary>
/// Issue 8, concurrency: an ONNX feature map φ (the committed SimCLR encoder, batched, with and without parallel batches) and a
/// semantic memory over it give from 8 threads at once exactly the sequential embeddings and retrievals.
/// </summary>
public class OnnxFeatureMapConcurrencyTests
{
    [Fact]
    public void EncoderFeatureMapAndSemanticMemory_FromEightThreads_EqualSequential()
    {
        using var serial = OnnxFeatureMap.FromFile(CommittedModels.ModelPath("simclr_encoder"), new OnnxFeatureMapOptions { BatchSize = 3 });
        using var parallel = OnnxFeatureMap.FromFile(CommittedModels.ModelPath("simclr_encoder"), new OnnxFeatureMapOptions { BatchSize = 2, ParallelBatches = true });
        float[] images = CommittedModels.ReferenceImages();
        var memory = new SemanticMemory(serial, images, 8, new UniversalHopfieldOptions { Similarity = SimilarityFunction.Cosine, Separation = SeparationFunction.Softmax, Beta = 10f });

        // Query i: images (i % 8) .. for 1 + i / 8 rows (wrapping), so batch sizes 1 and 2 meet both maps.
        float[][] queries = Enumerable.Range(0, 16).Select(i =>
            Enumerable.Range(0, 1 + (i / 8)).SelectMany(k => images.AsSpan(((i + k) % 8) * 784, 784).ToArray()).ToArray()).ToArray();

        ConcurrencyStress.Run(queries.Length, i =>
        {
            float[] q = queries[i];
            int n = q.Length / 784;
            var viaSerial = serial.Map(q);
            var viaParallel = new float[n * parallel.OutputDimension];
            parallel.Map(q, n, viaParallel);
            var retrieved = new float[n * 784];
            var nearest = new int[n];
            memory.RetrieveBatch(q, n, retrieved, nearest);
            return (viaSerial, viaParallel, retrieved, nearest);
        }, (a, b) => ConcurrencyStress.BitEqual(a.viaSerial, b.viaSerial) && ConcurrencyStress.BitEqual(a.viaParallel, b.viaParallel)
            && ConcurrencyStress.BitEqual(a.retrieved, b.retrieved) && a.nearest.AsSpan().SequenceEqual(b.nearest), budgetSeconds: 0.3);
    }
}
