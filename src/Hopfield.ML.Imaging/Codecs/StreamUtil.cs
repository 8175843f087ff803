using System.IO.Compression;

namespace Hopfield.ML.Imaging.Codecs;

/// <summary>Bounded reading helpers shared by the decoders.</summary>
internal static class StreamUtil
{
    /// <summary>True when the data begins with the gzip magic bytes 1f 8b.</summary>
    internal static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b;

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes or throws a truncation error.</summary>
    internal static void ReadExactly(Stream stream, Span<byte> buffer, string what, string? source)
        => ReadExactly(stream, buffer, what, source, 0, buffer.Length);

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what, string? source, long already, long expected)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n;
            try
            {
                n = stream.Read(buffer[total..]);
            }
            catch (Exception ex) when (IsDecompressionError(ex, stream))
            {
                throw ImageFormatError.Create($"Corrupt compressed data while reading {what}: {ex.Message}", source, ex);
            }

            if (n == 0)
            {
                throw ImageFormatError.Create($"Unexpected end of data while reading {what}: got {already + total} of {expected} bytes.", source);
            }

            total += n;
        }
    }

    /// <summary>
    /// Reads exactly <paramref name="length"/> bytes, growing the buffer as data actually arrives, so a header that
    /// lies about a huge size fails at end of data instead of allocating the claimed size up front.
    /// </summary>
    internal static byte[] ReadGrowing(Stream stream, long length, string what, string? source)
    {
        if (length > Array.MaxLength)
        {
            throw ImageFormatError.Create($"{what}: {length} bytes is larger than the largest array.", source);
        }

        var buffer = new byte[Math.Min(length, 1 << 22)];
        int total = 0;
        while (true)
        {
            ReadExactly(stream, buffer.AsSpan(total), what, source, total, length);
            total = buffer.Length;
            if (total == length)
            {
                return buffer;
            }

            Array.Resize(ref buffer, (int)Math.Min(length, (long)buffer.Length * 2));
        }
    }

    /// <summary>
    /// Inflates a zlib stream into a buffer of exactly <paramref name="expected"/> bytes; never inflates more,
    /// so a zip bomb costs at most what the header implies.
    /// </summary>
    internal static byte[] InflateZlib(byte[] compressed, int compressedLength, long expected, string? source)
    {
        if (expected > Array.MaxLength)
        {
            throw ImageFormatError.Create($"Decompressed size {expected} is larger than the largest array.", source);
        }

        // Grow with the data actually inflated, so a tiny file that lies about huge dimensions fails at end of
        // data rather than allocating the claimed size; never read past what the header implies.
        using var input = new MemoryStream(compressed, 0, compressedLength, writable: false);
        using var z = new ZLibStream(input, CompressionMode.Decompress);
        return ReadGrowing(z, expected, "image data (zlib)", source);
    }

    // Corrupt deflate data surfaces as InvalidDataException, or as ZLibException (an IOException) for some errors.
    private static bool IsDecompressionError(Exception ex, Stream stream) =>
        !ImageFormatError.IsOurs(ex) && (ex is InvalidDataException || (ex is IOException && stream is ZLibStream or GZipStream or DeflateStream));

    /// <summary>Opens a file for reading, wrapping not-found errors with the full path.</summary>
    internal static FileStream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"File not found: {Path.GetFullPath(path)}", path);
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }
}
