namespace Hopfield.ML.Memories;

/// <summary>
/// A feature map φ: turns input vectors into feature vectors (for example an ONNX image encoder that turns
/// 784 pixels into a 128-dimensional embedding). Semantic memories compare queries and stored patterns in
/// the space of φ instead of the input space.
/// </summary>
/// <remarks>
/// Inputs and outputs are row-major: <c>count</c> rows of <see cref="InputDimension"/> values map to
/// <c>count</c> rows of <see cref="OutputDimension"/> values. Implementations must be thread-safe:
/// <see cref="Map"/> may be called from several threads at once.
/// </remarks>
public interface IFeatureMap
{
    /// <summary>Gets the number of values in one input row.</summary>
    int InputDimension { get; }

    /// <summary>Gets the number of values in one output (feature) row.</summary>
    int OutputDimension { get; }

    /// <summary>Maps <paramref name="count"/> input rows to <paramref name="count"/> feature rows.</summary>
    /// <param name="inputs">The inputs, row-major, at least <c>count × InputDimension</c> values.</param>
    /// <param name="count">The number of rows to map.</param>
    /// <param name="outputs">Receives the features, row-major, at least <c>count × OutputDimension</c> values.</param>
    void Map(ReadOnlySpan<float> inputs, int count, Span<float> outputs);
}
