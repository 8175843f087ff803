namespace Hopfield.ML.Memories.Universal;

/// <summary>How a <see cref="UniversalHopfieldMemory"/> stores its keys and values.</summary>
public enum MemoryStorage
{
    /// <summary>IEEE single precision (4 bytes per element); exact.</summary>
    Float32 = 0,

    /// <summary>
    /// bfloat16 (2 bytes per element): each stored key and value is rounded to 8 significant bits (relative error
    /// ≤ 2⁻⁹ ≈ 0.2%) and expanded tile by tile into single precision during retrieval, so all arithmetic stays in
    /// single precision. Halves the memory footprint; results are those of a float32 memory holding the rounded values.
    /// </summary>
    BFloat16 = 1,
}
