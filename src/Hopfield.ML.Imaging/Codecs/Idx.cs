using System.Buffers.Binary;
using System.IO.Compression;

namespace Hopfield.ML.Imaging.Codecs;

/// <summary>Element types of the IDX format (the third byte of the magic number).</summary>
public enum IdxDataType : byte
{
    /// <summary>Unsigned byte (0x08), the type of MNIST images and labels.</summary>
    UInt8 = 0x08,

    /// <summary>Signed byte (0x09).</summary>
    Int8 = 0x09,

    /// <summary>Big-endian 16-bit signed integer (0x0B).</summary>
    Int16 = 0x0B,

    /// <summary>Big-endian 32-bit signed integer (0x0C).</summary>
    Int32 = 0x0C,

    /// <summary>Big-endian IEEE 32-bit float (0x0D).</summary>
    Float32 = 0x0D,

    /// <summary>Big-endian IEEE 64-bit float (0x0E).</summary>
    Float64 = 0x0E,
}

/// <summary>An IDX array: a shape and its elements (converted to <see cref="double"/>) or raw bytes for UInt8.</summary>
public sealed class IdxArray
{
    internal IdxArray(IdxDataType type, int[] shape, byte[]? bytes, double[]? values)
    {
        DataType = type;
        Shape = shape;
        Bytes = bytes;
        Values = values;
    }

    /// <summary>Element type stored in the file.</summary>
    public IdxDataType DataType { get; }

    /// <summary>Dimensions, outermost first (for MNIST images: count, rows, columns).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Total element count (product of <see cref="Shape"/>).</summary>
    public long Length => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The elements when <see cref="DataType"/> is <see cref="IdxDataType.UInt8"/>, otherwise null.</summary>
    public IReadOnlyList<byte>? Bytes { get; }

    /// <summary>The elements for the other types, otherwise null.</summary>
    public IReadOnlyList<double>? Values { get; }

    internal byte[]? ByteArray => (byte[]?)Bytes;

    /// <summary>Element <paramref name="index"/> (flat, row-major) as a double.</summary>
    /// <param name="index">Flat index.</param>
    /// <returns>The element value.</returns>
    public double this[long index] => Bytes is byte[] b ? b[index] : ((double[])Values!)[index];
}

/// <summary>Reads and writes IDX files (the MNIST / Fashion-MNIST format), raw or gzip-compressed (detected by the magic bytes 1f 8b).</summary>
public static class Idx
{
    /// <summary>Reads an IDX file.</summary>
    /// <param name="path">File path (.gz or raw).</param>
    /// <param name="limits">Limits on the element count; <see cref="ImageLimits.Default"/> when null.</param>
    /// <returns>The array.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt or too large.</exception>
    public static IdxArray Read(string path, ImageLimits? limits = null)
    {
        using var fs = StreamUtil.OpenRead(path);
        return Read(fs, path, limits);
    }

    /// <summary>Reads an IDX array from a stream.</summary>
    /// <param name="stream">The data, raw or gzip-compressed.</param>
    /// <param name="source">Name used in error messages; may be null.</param>
    /// <param name="limits">Limits; <see cref="ImageLimits.Default"/> when null.</param>
    /// <returns>The array.</returns>
    public static IdxArray Read(Stream stream, string? source = null, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= ImageLimits.Default;
        var head = new byte[4];
        StreamUtil.ReadExactly(stream, head.AsSpan(0, 2), "IDX magic number", source);
        Stream body = stream;
        GZipStream? gz = null;
        try
        {
            if (StreamUtil.IsGzip(head))
            {
                var prefixed = new PrefixStream(head.AsSpan(0, 2).ToArray(), stream);
                gz = new GZipStream(prefixed, CompressionMode.Decompress);
                body = gz;
                StreamUtil.ReadExactly(body, head.AsSpan(0, 2), "IDX magic number", source);
            }

            StreamUtil.ReadExactly(body, head.AsSpan(2, 2), "IDX magic number", source);
            if (head[0] != 0 || head[1] != 0)
            {
                throw ImageFormatError.Create($"Not an IDX file: magic number starts with {head[0]:x2} {head[1]:x2}, expected 00 00.", source);
            }

            var type = (IdxDataType)head[2];
            int elementSize = type switch
            {
                IdxDataType.UInt8 or IdxDataType.Int8 => 1,
                IdxDataType.Int16 => 2,
                IdxDataType.Int32 or IdxDataType.Float32 => 4,
                IdxDataType.Float64 => 8,
                _ => throw ImageFormatError.Create($"Unknown IDX element type 0x{head[2]:x2}.", source),
            };
            int ndim = head[3];
            if (ndim is < 1 or > 8)
            {
                throw ImageFormatError.Create($"IDX dimension count {ndim} is not in 1..8.", source);
            }

            var dims = new byte[4 * ndim];
            StreamUtil.ReadExactly(body, dims, "IDX dimensions", source);
            var shape = new int[ndim];
            long count = 1;
            long maxElements = Array.MaxLength / elementSize;
            for (int i = 0; i < ndim; i++)
            {
                uint d = BinaryPrimitives.ReadUInt32BigEndian(dims.AsSpan(4 * i));
                if (d > int.MaxValue)
                {
                    throw ImageFormatError.Create($"IDX dimension {i} is {d}, too large.", source);
                }

                shape[i] = (int)d;
                count *= d;
                if (count > maxElements)
                {
                    throw ImageFormatError.Create($"IDX array of shape [{string.Join(", ", dims.Chunk(4).Select(c => BinaryPrimitives.ReadUInt32BigEndian(c)))}] is too large.", source);
                }
            }

            if (count > limits.MaxElements)
            {
                throw ImageFormatError.Create($"IDX array of shape [{string.Join(", ", shape)}] has {count} elements, more than ImageLimits.MaxElements = {limits.MaxElements}.", source);
            }

            if (ndim >= 1 && shape[0] > limits.MaxItems)
            {
                throw ImageFormatError.Create($"IDX file declares {shape[0]} items, more than ImageLimits.MaxItems = {limits.MaxItems}.", source);
            }

            if (ndim == 3)
            {
                limits.Check(shape[2], shape[1], 1, source);
            }

            // Allocate only what the header implies, and only after checking it; for raw streams of known
            // length verify up front that the data is all there.
            long bytes = count * elementSize;
            if (gz is null && stream.CanSeek && stream.Length - stream.Position < bytes)
            {
                throw ImageFormatError.Create($"IDX data truncated: header implies {bytes} bytes of elements, file has {stream.Length - stream.Position}.", source);
            }

            byte[] raw = StreamUtil.ReadGrowing(body, bytes, "IDX elements", source);
            if (type == IdxDataType.UInt8)
            {
                return new IdxArray(type, shape, raw, null);
            }

            var values = new double[count];
            for (long i = 0; i < count; i++)
            {
                var s = raw.AsSpan((int)(i * elementSize), elementSize);
                values[i] = type switch
                {
                    IdxDataType.Int8 => (sbyte)s[0],
                    IdxDataType.Int16 => BinaryPrimitives.ReadInt16BigEndian(s),
                    IdxDataType.Int32 => BinaryPrimitives.ReadInt32BigEndian(s),
                    IdxDataType.Float32 => BinaryPrimitives.ReadSingleBigEndian(s),
                    _ => BinaryPrimitives.ReadDoubleBigEndian(s),
                };
            }

            return new IdxArray(type, shape, null, values);
        }
        finally
        {
            gz?.Dispose();
        }
    }

    /// <summary>Writes an unsigned-byte IDX array.</summary>
    /// <param name="path">Destination; gzip-compressed when it ends with ".gz".</param>
    /// <param name="shape">Dimensions, outermost first.</param>
    /// <param name="data">Elements, row-major; length must equal the product of <paramref name="shape"/>.</param>
    public static void WriteBytes(string path, ReadOnlySpan<int> shape, ReadOnlySpan<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write);
        WriteBytes(fs, shape, data, path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Writes an unsigned-byte IDX array to a stream.</summary>
    /// <param name="stream">Destination.</param>
    /// <param name="shape">Dimensions, outermost first (1 to 8 of them).</param>
    /// <param name="data">Elements, row-major.</param>
    /// <param name="gzip">Compress with gzip.</param>
    public static void WriteBytes(Stream stream, ReadOnlySpan<int> shape, ReadOnlySpan<byte> data, bool gzip)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (shape.Length is < 1 or > 8)
        {
            throw new ArgumentException($"IDX arrays have 1 to 8 dimensions, got {shape.Length}.", nameof(shape));
        }

        long count = 1;
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            count *= d;
        }

        if (count != data.Length)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape.ToArray())}] needs {count} elements, got {data.Length}.", nameof(data));
        }

        var header = new byte[4 + 4 * shape.Length];
        header[2] = (byte)IdxDataType.UInt8;
        header[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), shape[i]);
        }

        if (gzip)
        {
            using var gz = new GZipStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
            gz.Write(header);
            gz.Write(data);
        }
        else
        {
            stream.Write(header);
            stream.Write(data);
        }
    }

    /// <summary>Writes grey images (samples in [0, 1], quantised to bytes) as an IDX3 file of shape [count, height, width].</summary>
    /// <param name="path">Destination; gzip when it ends with ".gz".</param>
    /// <param name="images">Rows of <paramref name="width"/> × <paramref name="height"/> samples.</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    public static void WriteImages(string path, IReadOnlyList<float[]> images, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(images);
        var data = new byte[checked(images.Count * width * height)];
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i] is null || images[i].Length != width * height)
            {
                throw new ArgumentException($"Image {i} has {images[i]?.Length ?? 0} samples, expected {width * height}.", nameof(images));
            }

            for (int j = 0; j < images[i].Length; j++)
            {
                data[(i * width * height) + j] = (byte)Image.Quantize(images[i][j], 255);
            }
        }

        WriteBytes(path, [images.Count, height, width], data);
    }

    /// <summary>Writes labels (0..255) as an IDX1 file.</summary>
    /// <param name="path">Destination; gzip when it ends with ".gz".</param>
    /// <param name="labels">The labels.</param>
    public static void WriteLabels(string path, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var data = new byte[labels.Count];
        for (int i = 0; i < data.Length; i++)
        {
            if (labels[i] is < 0 or > 255)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {i} is outside 0..255.");
            }

            data[i] = (byte)labels[i];
        }

        WriteBytes(path, [data.Length], data);
    }

    /// <summary>A read-only stream that yields a few already-read bytes and then the rest of an inner stream.</summary>
    private sealed class PrefixStream(byte[] prefix, Stream inner) : Stream
    {
        private int _pos;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_pos < prefix.Length && buffer.Length > 0)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _pos);
                prefix.AsSpan(_pos, n).CopyTo(buffer);
                _pos += n;
                return n;
            }

            return inner.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
