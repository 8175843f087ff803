using System.Globalization;
using Hopfield.ML.Memories.Common;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.ML.Memories.Semantic;

/// <summary>
/// A semantic associative memory: stored patterns are compared in the space of a feature map φ (typically an ONNX image
/// encoder) instead of the input space, and retrieval returns the stored originals.
/// <para>
/// keys = φ(originals), values = originals; <c>retrieve(q) = originals · separation(similarity(φ(originals), φ(q)))</c>
/// with any similarity and separation of the universal family (<see cref="UniversalHopfieldOptions"/>). With
/// <see cref="SeparationFunction.Max"/> the output is exactly the nearest stored original.
/// </para>
/// <para>Immutable after construction; thread-safe when the feature map is (as <see cref="IFeatureMap"/> requires).</para>
/// </summary>
public sealed class SemanticMemory
{
    private readonly UniversalHopfieldMemory _memory;

    /// <summary>Stores <paramref name="count"/> originals; their keys are φ(originals).</summary>
    /// <param name="featureMap">The feature map φ; its input dimension is the dimension of the originals.</param>
    /// <param name="originals">count × φ.InputDimension values, row-major.</param>
    /// <param name="count">The number of patterns to store (≥ 1).</param>
    /// <param name="options">Similarity, separation, β, …; null for the defaults (dot, softmax, β = 1).</param>
    /// <exception cref="ArgumentNullException"><paramref name="featureMap"/> is null.</exception>
    /// <exception cref="ArgumentException">The data length does not match count × φ.InputDimension, a value is not finite, or φ produced a non-finite feature.</exception>
    /// <exception cref="ArgumentOutOfRangeException">count &lt; 1 or an option is out of range.</exception>
    public SemanticMemory(IFeatureMap featureMap, ReadOnlySpan<float> originals, int count, UniversalHopfieldOptions? options = null)
    {
        SemanticFeatures.CheckDimension(featureMap, nameof(featureMap), "feature map");
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (originals.Length != (long)count * featureMap.InputDimension)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"originals has {originals.Length} values but {count} patterns × the feature map's input dimension {featureMap.InputDimension} = {(long)count * featureMap.InputDimension}."),
                nameof(originals));
        }

        MemoryValidation.CheckFinite(originals, featureMap.InputDimension, nameof(originals), "original");
        FeatureMap = featureMap;
        float[] keys = SemanticFeatures.Map(featureMap, originals, count, nameof(originals), "feature map");
        _memory = new UniversalHopfieldMemory(keys, count, originals, options);
    }

    private SemanticMemory(IFeatureMap featureMap, UniversalHopfieldMemory memory)
    {
        FeatureMap = featureMap;
        _memory = memory;
    }

    /// <summary>Gets the feature map φ.</summary>
    public IFeatureMap FeatureMap { get; }

    /// <summary>Gets the number of stored patterns.</summary>
    public int Count => _memory.Count;

    /// <summary>Gets the dimension of originals and queries (φ's input dimension).</summary>
    public int InputDimension => _memory.ValueDimension;

    /// <summary>Gets the embedding dimension (φ's output dimension).</summary>
    public int EmbeddingDimension => _memory.KeyDimension;

    /// <summary>Gets the settings of the retrieval in embedding space.</summary>
    public UniversalHopfieldOptions Options => _memory.Options;

    /// <summary>Gets the underlying universal memory (keys φ(originals), values originals).</summary>
    public UniversalHopfieldMemory Memory => _memory;

    /// <summary>
    /// Creates a memory from embeddings computed earlier (for example by <c>hopfield embed</c>), without running φ on the originals.
    /// </summary>
    /// <param name="featureMap">The feature map φ that produced <paramref name="embeddings"/> and will embed the queries.</param>
    /// <param name="embeddings">count × φ.OutputDimension values, row-major.</param>
    /// <param name="originals">count × φ.InputDimension values, row-major.</param>
    /// <param name="count">The number of stored patterns.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <returns>The memory.</returns>
    /// <exception cref="ArgumentException">A length does not match the feature map's dimensions or a value is not finite.</exception>
    public static SemanticMemory FromEmbeddings(IFeatureMap featureMap, ReadOnlySpan<float> embeddings, ReadOnlySpan<float> originals, int count, UniversalHopfieldOptions? options = null)
    {
        SemanticFeatures.CheckDimension(featureMap, nameof(featureMap), "feature map");
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (embeddings.Length != (long)count * featureMap.OutputDimension)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"embeddings has {embeddings.Length} values but {count} patterns × the feature map's output dimension {featureMap.OutputDimension} = {(long)count * featureMap.OutputDimension}."),
                nameof(embeddings));
        }

        if (originals.Length != (long)count * featureMap.InputDimension)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"originals has {originals.Length} values but {count} patterns × the feature map's input dimension {featureMap.InputDimension} = {(long)count * featureMap.InputDimension}."),
                nameof(originals));
        }

        return new SemanticMemory(featureMap, new UniversalHopfieldMemory(embeddings, count, originals, options));
    }

    /// <summary>Stored original <paramref name="index"/> (a copy).</summary>
    /// <param name="index">Pattern index.</param>
    /// <returns>The original.</returns>
    public float[] GetOriginal(int index) => _memory.GetValue(index);

    /// <summary>Stored embedding φ(original <paramref name="index"/>) (a copy).</summary>
    /// <param name="index">Pattern index.</param>
    /// <returns>The embedding.</returns>
    public float[] GetEmbedding(int index) => _memory.GetKey(index);

    /// <summary>Embeds queries with φ.</summary>
    /// <param name="queries">count × <see cref="InputDimension"/> values.</param>
    /// <param name="count">The number of queries.</param>
    /// <returns>count × <see cref="EmbeddingDimension"/> values.</returns>
    /// <exception cref="ArgumentException">The length does not match or φ produced a non-finite feature.</exception>
    public float[] Embed(ReadOnlySpan<float> queries, int count) => SemanticFeatures.Map(FeatureMap, queries, count, nameof(queries), "feature map");

    /// <summary>Retrieves one query: the output, the nearest stored index and the attention weights.</summary>
    /// <param name="query"><see cref="InputDimension"/> values.</param>
    /// <returns>The retrieval.</returns>
    /// <exception cref="ArgumentException">The query has the wrong dimension or a non-finite value.</exception>
    public SemanticRetrieval Retrieve(ReadOnlySpan<float> query)
    {
        CheckQueries(query, 1);
        float[] key = Embed(query, 1);
        var output = new float[InputDimension];
        var attention = new float[Count];
        _memory.Retrieve(key, output, attention);
        return new SemanticRetrieval(output, _memory.Nearest(key), attention);
    }

    /// <summary>Retrieves many queries: outputs and, optionally, the nearest stored index of each.</summary>
    /// <param name="queries">count × <see cref="InputDimension"/> values, row-major.</param>
    /// <param name="count">The number of queries.</param>
    /// <param name="outputs">Receives count × <see cref="InputDimension"/> values.</param>
    /// <param name="nearest">Receives count indices, or empty to skip.</param>
    /// <exception cref="ArgumentException">A length does not match or a value is not finite.</exception>
    public void RetrieveBatch(ReadOnlySpan<float> queries, int count, Span<float> outputs, Span<int> nearest = default)
    {
        CheckQueries(queries, count);
        MemoryValidation.CheckLength(outputs.Length, (long)count * InputDimension, nameof(outputs), $"count × inputDimension = {count} × {InputDimension}");
        if (!nearest.IsEmpty)
        {
            MemoryValidation.CheckLength(nearest.Length, count, nameof(nearest), "the query count");
        }

        float[] keys = Embed(queries, count);
        _memory.RetrieveBatch(keys, count, outputs);
        if (!nearest.IsEmpty)
        {
            _memory.NearestBatch(keys, count, nearest);
        }
    }

    /// <summary>Index of the stored pattern whose embedding is most similar to φ(query).</summary>
    /// <param name="query"><see cref="InputDimension"/> values.</param>
    /// <returns>The index.</returns>
    public int Nearest(ReadOnlySpan<float> query)
    {
        CheckQueries(query, 1);
        return _memory.Nearest(Embed(query, 1));
    }

    /// <summary>Index of the most similar stored pattern (in embedding space) for each of many queries.</summary>
    /// <param name="queries">count × <see cref="InputDimension"/> values, row-major.</param>
    /// <param name="count">The number of queries.</param>
    /// <param name="indices">Receives count indices.</param>
    public void NearestBatch(ReadOnlySpan<float> queries, int count, Span<int> indices)
    {
        CheckQueries(queries, count);
        MemoryValidation.CheckLength(indices.Length, count, nameof(indices), "the query count");
        _memory.NearestBatch(Embed(queries, count), count, indices);
    }

    private void CheckQueries(ReadOnlySpan<float> queries, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (queries.Length != (long)count * InputDimension)
        {
            throw new ArgumentException(
                count == 1
                    ? string.Create(CultureInfo.InvariantCulture, $"The query has dimension {queries.Length}; this memory stores originals of dimension {InputDimension}.")
                    : string.Create(CultureInfo.InvariantCulture, $"Expected {count} queries × {InputDimension} = {(long)count * InputDimension} values, got {queries.Length}."),
                nameof(queries));
        }

        MemoryValidation.CheckFinite(queries, InputDimension, nameof(queries), "query");
    }
}
