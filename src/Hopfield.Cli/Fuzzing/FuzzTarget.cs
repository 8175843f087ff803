namespace Hopfield.Cli.Fuzzing;

/// <summary>An integer field in a binary header that a format-aware mutation may lie about.</summary>
/// <param name="Offset">Byte offset of the field.</param>
/// <param name="Size">Width in bytes: 1, 2, 4 or 8.</param>
/// <param name="BigEndian">Byte order.</param>
internal readonly record struct LengthField(int Offset, int Size, bool BigEndian);

/// <summary>One parser under test: its seed corpus, how to call it, and which exceptions it documents.</summary>
internal sealed class FuzzTarget
{
    /// <summary>Short name used on the command line and in reports (png, pnm, idx, model, onnx).</summary>
    public required string Name { get; init; }

    /// <summary>Valid inputs the mutations start from; every one must parse.</summary>
    public required IReadOnlyList<byte[]> Seeds { get; init; }

    /// <summary>Calls the parser on one input.</summary>
    public required Action<byte[]> Parse { get; init; }

    /// <summary>True for the exceptions the parser documents for bad input (the input is passed too).</summary>
    public required Func<Exception, byte[], bool> IsDocumented { get; init; }

    /// <summary>The documented exception types, for the report.</summary>
    public required string DocumentedExceptions { get; init; }

    /// <summary>The length and dimension fields of an input, for "length-field lie" mutations; null when none are known.</summary>
    public Func<byte[], IEnumerable<LengthField>>? LengthFields { get; init; }

    /// <summary>Recomputes checksums (PNG CRCs, model SHA-256) so that a mutation reaches the code past the check.</summary>
    public Func<byte[], byte[]>? Repair { get; init; }

    /// <summary>Whether the format carries numbers as ASCII text (PNM headers, the model manifest).</summary>
    public bool TextNumbers { get; init; }
}
