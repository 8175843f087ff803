using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Hopfield.ML.Pipeline;

/// <summary>
/// The model file format. Layout (all integers little-endian):
/// <code>
/// [0, 8)      magic "HFMLMODL"
/// [8, 12)     uint32 container version (1)
/// [12, 16)    uint32 reserved (0)
/// [16, 24)    uint64 manifest length M
/// [24, 32)    uint64 payload length P
/// [32, 32+M)  manifest: UTF-8 JSON {format, version, inputSchema, model: stage}
/// [.., +P)    payload: the tensors, little-endian, at the offsets named in the manifest
/// [.., +32)   SHA-256 of every byte before it
/// </code>
/// A stage in the manifest is <c>{type, version, parameters, tensors: {name: {dtype, shape, offset, length}}, children}</c>.
/// </summary>
internal static partial class ModelFile
{
    public const string FormatName = "Hopfield.ML.Model";
    public const int FormatVersion = 1;
    public const int HeaderSize = 32;
    public const int HashSize = 32;
    private static readonly byte[] Magic = "HFMLMODL"u8.ToArray();

    public static void Write(Stream stream, ITransformer model, DataSchema? inputSchema)
    {
        var state = new ModelFileWriterState();
        var root = ModelSaveContext.ForStage(state, model).ToJson();
        var manifest = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = FormatVersion,
            ["inputSchema"] = inputSchema is null ? null : SchemaToJson(inputSchema),
            ["model"] = root,
        };
        byte[] manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var header = new byte[HeaderSize];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), (ulong)manifestBytes.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), (ulong)state.PayloadLength);
        Emit(header);
        Emit(manifestBytes);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Model files are little-endian; big-endian hosts are not supported.");
        }

        foreach (var blob in state.Blobs)
        {
            var bytes = blob switch
            {
                ReadOnlyMemory<float> f => MemoryMarshal.AsBytes(f.Span),
                ReadOnlyMemory<int> i => MemoryMarshal.AsBytes(i.Span),
                _ => throw new InvalidOperationException("Unknown tensor blob."),
            };
            Emit(bytes);
        }

        stream.Write(hash.GetHashAndReset());

        void Emit(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(bytes);
            stream.Write(bytes);
        }
    }

    /// <summary>
    /// Writes a model file atomically: the bytes go to a new hidden temporary file in the destination folder
    /// (<c>.NAME.GUID.tmp</c>), which is flushed to disk and then renamed over <paramref name="filePath"/> (one <c>rename</c>
    /// on POSIX systems, so a reader sees either the previous file or the new one, never a mix); on Linux and macOS the folder
    /// is then synced so that the rename itself survives a power loss. When anything fails before the rename the temporary
    /// file is deleted and the previous file is untouched. Only a process killed in that window can leave a temporary file
    /// behind; it is never read (loading opens only the named path) and may be deleted.
    /// </summary>
    /// <param name="filePath">The destination.</param>
    /// <param name="model">The model.</param>
    /// <param name="inputSchema">The stored input schema, or null.</param>
    /// <param name="wrap">Test seam: wraps the temporary file's stream (for example to fail after k bytes).</param>
    public static void WriteFile(string filePath, ITransformer model, DataSchema? inputSchema, Func<Stream, Stream>? wrap = null)
    {
        string full = Path.GetFullPath(filePath);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        bool renamed = false;
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var target = wrap is null ? file : wrap(file);
                Write(target, model, inputSchema);
                target.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
            renamed = true;
            _ = SyncDirectory(dir);
        }
        finally
        {
            if (!renamed)
            {
                try
                {
                    File.Delete(temp);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Keep the original failure; a leftover hidden temporary file is harmless.
                }
            }
        }
    }

    /// <summary>fsync on the folder, so that a rename in it is durable. Best effort: returns whether the folder was synced.</summary>
    internal static bool SyncDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return false;
        }

        try
        {
            int fd = NativeOpen(dir, 0 /* O_RDONLY */);
            if (fd < 0)
            {
                return false;
            }

            bool synced = NativeFsync(fd) == 0;
            _ = NativeClose(fd);
            return synced;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc to call: the rename is still atomic, only its durability across a power loss is not forced.
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeOpen(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int NativeFsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int NativeClose(int fd);

    public static ITransformer Read(ReadOnlyMemory<byte> file, string fileName, out DataSchema? inputSchema)
    {
        var span = file.Span;
        if (span.Length < HeaderSize && Magic.AsSpan().StartsWith(span[..Math.Min(span.Length, Magic.Length)]))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Model file '{fileName}' is truncated: {span.Length} bytes, the header alone needs {HeaderSize}."));
        }

        if (span.Length < Magic.Length || !span[..Magic.Length].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"'{fileName}' is not a {FormatName} file (wrong magic bytes).");
        }

        if (span.Length < HeaderSize)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Model file '{fileName}' is truncated: {span.Length} bytes, the header alone needs {HeaderSize}."));
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Model file '{fileName}' has format version {version}; this library reads version {FormatVersion}."));
        }

        ulong m = BinaryPrimitives.ReadUInt64LittleEndian(span[16..]);
        ulong p = BinaryPrimitives.ReadUInt64LittleEndian(span[24..]);
        ulong expected = HeaderSize + m + p + HashSize;
        if (m > int.MaxValue || p > int.MaxValue || expected > (ulong)span.Length)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Model file '{fileName}' is truncated: {span.Length} bytes, the header announces {HeaderSize + m + p + HashSize}."));
        }

        if (expected < (ulong)span.Length)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Model file '{fileName}' has {(ulong)span.Length - expected} unexpected trailing bytes."));
        }

        int body = (int)(HeaderSize + m + p);
        Span<byte> actual = stackalloc byte[HashSize];
        SHA256.HashData(span[..body], actual);
        if (!actual.SequenceEqual(span[body..]))
        {
            throw new InvalidDataException($"Model file '{fileName}' is corrupted: SHA-256 checksum mismatch.");
        }

        var manifestBytes = span.Slice(HeaderSize, (int)m);
        if (!Utf8.IsValid(manifestBytes))
        {
            // JsonNode transcodes strings lazily and would throw InvalidOperationException on first access.
            throw new InvalidDataException($"Model file '{fileName}' has a malformed manifest: it is not valid UTF-8.");
        }

        JsonObject manifest;
        try
        {
            // Duplicate property names are refused here: JsonObject would otherwise throw ArgumentException on first access.
            manifest = JsonNode.Parse(manifestBytes, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw new InvalidDataException($"Model file '{fileName}' has a manifest that is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Model file '{fileName}' has a malformed manifest: {e.Message}", e);
        }

        string? format = manifest["format"] is JsonValue fv && fv.GetValueKind() == JsonValueKind.String ? fv.GetValue<string>() : null;
        if (format != FormatName)
        {
            throw new InvalidDataException($"Model file '{fileName}' declares format '{format}', expected '{FormatName}'.");
        }

        inputSchema = manifest["inputSchema"] is JsonArray s ? SchemaFromJson(s, fileName) : null;
        var model = manifest["model"] as JsonObject ?? throw new InvalidDataException($"Model file '{fileName}' has no model in its manifest.");
        return ModelStageRegistry.LoadStage(new ModelLoadContext(fileName, model, file.Slice(HeaderSize + (int)m, (int)p)));
    }

    private static JsonArray SchemaToJson(DataSchema schema) =>
        [.. schema.Select(c => (JsonNode?)new JsonObject
        {
            ["name"] = c.Name,
            ["kind"] = c.Kind.ToString(),
            ["size"] = c.VectorSize,
            ["keyCount"] = c.KeyCount,
        })];

    private static DataSchema SchemaFromJson(JsonArray a, string fileName)
    {
        try
        {
            return new DataSchema(a.Select(n => new SchemaColumn(
                n!["name"]!.GetValue<string>(),
                Enum.Parse<ColumnKind>(n["kind"]!.GetValue<string>()),
                n["size"]!.GetValue<int>(),
                n["keyCount"]!.GetValue<int>())));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or NullReferenceException or FormatException)
        {
            throw new InvalidDataException($"Model file '{fileName}' has a malformed input schema.", e);
        }
    }
}
