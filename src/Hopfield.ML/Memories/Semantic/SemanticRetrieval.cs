namespace Hopfield.ML.Memories.Semantic;

/// <summary>The result of one semantic retrieval.</summary>
/// <param name="Output">
/// The retrieved pattern: for <see cref="SemanticMemory"/> the separation-weighted mix of stored originals (exactly the
/// nearest original with <see cref="Universal.SeparationFunction.Max"/>); for <see cref="FullySemanticMemory"/> the decoded
/// retrieved embedding ψ(ξ).
/// </param>
/// <param name="Index">Index of the stored pattern whose embedding is most similar to φ(query) (ties: the lowest index).</param>
/// <param name="Attention">The separated similarity weights, one per stored pattern.</param>
public sealed record SemanticRetrieval(float[] Output, int Index, float[] Attention);
