using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

namespace Hopfield.ML.Tests.Pipeline;

/// <summary>
/// Issue 8, safe saving: a save of model B over model A that fails after any number of bytes leaves A intact, loadable and
/// predicting exactly as before, with no temporary file left; a flipped byte is refused by the SHA-256 check and a truncated
/// file is refused as truncated, both naming the file.
/// </summary>
public sealed class SafeSaveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hopfield-safe-save-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A stream that passes the first <c>failAt</c> bytes through and then fails, as a full disk or a pulled cable would.</summary>
    private sealed class FailingStream(Stream inner, long failAt) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            long room = failAt - _written;
            if (buffer.Length > room)
            {
                inner.Write(buffer[..(int)room]);
                _written = failAt;
                throw new IOException($"Simulated write failure at byte {failAt}.");
            }

            inner.Write(buffer);
            _written += buffer.Length;
        }

        public override void Flush()
        {
            // Every byte went through: fail the final flush instead (the last point before the rename).
            if (_written >= failAt)
            {
                throw new IOException($"Simulated flush failure after byte {failAt}.");
            }

            inner.Flush();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static (HopfieldContext Ctx, ITransformer A, ITransformer B, DataSet Test) Models()
    {
        var ctx = new HopfieldContext(seed: 11);
        var train = PipelineTestData.BlobSet(ctx, classes: 3, perClass: 20, dim: 5, seed: 1);
        var test = PipelineTestData.BlobSet(ctx, classes: 3, perClass: 10, dim: 5, seed: 2);
        var a = ctx.Transforms.HopfieldDenoise("Features", beta: 2f)
            .Append(ctx.Classifiers.SoftmaxRegression(maxIterations: 20))
            .Fit(train);
        var b = ctx.Transforms.NormalizeMinMax("Features")
            .Append(ctx.Transforms.HopfieldDenoise("Features", beta: 4f, source: MemorySource.Prototypes))
            .Append(ctx.Classifiers.Hopfield(beta: 8f))
            .Fit(train);
        return (ctx, a, b, test);
    }

    private static float[] Scores(ITransformer model, DataSet test) => model.Transform(test).GetColumn("Score").GetFloats().ToArray();

    /// <summary>The byte offsets that matter: the header fields, the manifest, every tensor of the payload, the hash, the end.</summary>
    private static SortedSet<long> Boundaries(byte[] file)
    {
        long m = (long)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(16));
        long p = (long)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(24));
        Assert.Equal(file.Length, ModelFile.HeaderSize + m + p + ModelFile.HashSize);
        long payload = ModelFile.HeaderSize + m;
        var tensors = new List<(long Offset, long Bytes)>();
        void Walk(JsonNode? node)
        {
            if (node is JsonObject o)
            {
                if (o["offset"] is JsonValue off && o["length"] is JsonValue len && o["dtype"] is not null)
                {
                    tensors.Add((off.GetValue<long>(), 4L * len.GetValue<long>()));
                }

                foreach (var child in o)
                {
                    Walk(child.Value);
                }
            }
            else if (node is JsonArray a)
            {
                foreach (var child in a)
                {
                    Walk(child);
                }
            }
        }

        Walk(JsonNode.Parse(file.AsSpan(ModelFile.HeaderSize, (int)m)));

        // The tensors tile the payload exactly, so their starts and ends are the section boundaries inside it.
        tensors.Sort();
        Assert.True(tensors.Count >= 4, $"only {tensors.Count} tensors");
        long next = 0;
        foreach (var (offset, bytes) in tensors)
        {
            Assert.Equal(next, offset);
            next = offset + bytes;
        }

        Assert.Equal(p, next);
        var marks = new List<long> { 0, 8, 12, 16, 24, ModelFile.HeaderSize, payload, payload + p, file.Length };
        marks.AddRange(tensors.Select(t => payload + t.Offset));
        var set = new SortedSet<long>();
        foreach (long mark in marks)
        {
            foreach (long k in new[] { mark - 1, mark, mark + 1 })
            {
                if (k >= 0 && k <= file.Length)
                {
                    set.Add(k);
                }
            }
        }

        // Plus a stride through everything, about 100 more points.
        for (long k = 0; k <= file.Length; k += Math.Max(1, file.Length / 97))
        {
            set.Add(k);
        }

        return set;
    }

    [Fact]
    public void SaveInterruptedAtAnyOffset_LeavesThePreviousModelIntactAndNoTempFile()
    {
        var (ctx, a, b, test) = Models();
        string path = Path.Combine(_dir, "model.hopfield");
        ctx.Model.Save(a, test.Schema, path);
        byte[] original = File.ReadAllBytes(path);
        float[] expected = Scores(a, test);

        using var ms = new MemoryStream();
        ctx.Model.Save(b, test.Schema, ms);
        byte[] newBytes = ms.ToArray();
        Assert.NotEqual(expected, Scores(b, test));
        var offsets = Boundaries(newBytes);
        Assert.Contains(0, offsets);
        Assert.Contains(newBytes.Length, offsets);

        foreach (long k in offsets)
        {
            var ex = Assert.Throws<IOException>(() => ModelFile.WriteFile(path, b, test.Schema, s => new FailingStream(s, k)));
            Assert.Contains("Simulated", ex.Message, StringComparison.Ordinal);
            Assert.Equal(["model.hopfield"], Directory.GetFiles(_dir).Select(Path.GetFileName));
            Assert.Equal(original, File.ReadAllBytes(path));
            var loaded = ctx.Model.Load(path, out var schema);
            Assert.NotNull(schema);
            Assert.Equal(expected, Scores(loaded, test));
        }

        // And an uninterrupted save replaces A by B in one step.
        ctx.Model.Save(b, test.Schema, path);
        Assert.Equal(newBytes, File.ReadAllBytes(path));
        Assert.Equal(Scores(b, test), Scores(ctx.Model.Load(path), test));
        Assert.Equal(["model.hopfield"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void ConcurrentSavesAndLoadsOfOnePath_AlwaysSeeOneWholeModel()
    {
        // 4 threads save A or B over the same path while 4 threads load it: every load is A or B, never a mix or a torn file.
        var (ctx, a, b, test) = Models();
        string path = Path.Combine(_dir, "shared.hopfield");
        ctx.Model.Save(a, null, path);
        float[] scoresA = Scores(a, test), scoresB = Scores(b, test);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int loads = 0, saves = 0;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int k = 0; k < 2000 && (k < 5 || clock.Elapsed.TotalSeconds < 0.3); k++)
            {
                try
                {
                    if (t < 4)
                    {
                        ctx.Model.Save((t + k) % 2 == 0 ? a : b, null, path);
                        Interlocked.Increment(ref saves);
                    }
                    else
                    {
                        float[] s = Scores(ctx.Model.Load(path), test);
                        if (!s.AsSpan().SequenceEqual(scoresA) && !s.AsSpan().SequenceEqual(scoresB))
                        {
                            errors.Enqueue($"thread {t}: a load gave neither A nor B");
                        }

                        Interlocked.Increment(ref loads);
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue($"thread {t}: {e.GetType().Name}: {e.Message}");
                }
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.True(errors.IsEmpty, string.Join(Environment.NewLine, errors.Take(5)));
        Assert.True(loads >= 20 && saves >= 20, $"{loads} loads, {saves} saves");
        Assert.Equal(["shared.hopfield"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void SaveThatFailsBeforeWriting_LeavesThePreviousModelIntact()
    {
        var (ctx, a, _, test) = Models();
        string path = Path.Combine(_dir, "model.hopfield");
        ctx.Model.Save(a, null, path);
        byte[] original = File.ReadAllBytes(path);

        // A stage that cannot be saved fails while the manifest is built, before any byte is written.
        var unsaveable = a.Append(new UnsaveableStage());
        var ex = Assert.Throws<InvalidOperationException>(() => ctx.Model.Save(unsaveable, null, path));
        Assert.Contains(nameof(UnsaveableStage), ex.Message, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllBytes(path));
        Assert.Equal(["model.hopfield"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void SaveSyncsTheFolderOnLinux()
    {
        // The rename is made durable by an fsync of the folder (best effort elsewhere; never on Windows).
        if (OperatingSystem.IsLinux())
        {
            Assert.True(ModelFile.SyncDirectory(_dir));
        }
        else if (OperatingSystem.IsWindows())
        {
            Assert.False(ModelFile.SyncDirectory(_dir));
        }

        Assert.False(ModelFile.SyncDirectory(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public void FlippedByteAnywhere_IsRefusedWithAChecksumErrorNamingTheFile()
    {
        var (ctx, a, _, test) = Models();
        string path = Path.Combine(_dir, "flipped.hopfield");
        ctx.Model.Save(a, test.Schema, path);
        byte[] good = File.ReadAllBytes(path);
        var offsets = Boundaries(good).Where(k => k < good.Length).ToArray();
        foreach (long k in offsets)
        {
            byte[] bad = (byte[])good.Clone();
            bad[k] ^= (byte)(1 << (int)(k % 8));
            File.WriteAllBytes(path, bad);
            var ex = Assert.Throws<InvalidDataException>(() => ctx.Model.Load(path, out _));
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
            if (k >= ModelFile.HeaderSize || k is >= 12 and < 16)
            {
                // Manifest, payload, hash and the reserved header word: only the checksum can tell.
                Assert.Contains("checksum mismatch", ex.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void TruncatedAtAnyLength_IsRefusedAsTruncatedNamingTheFile()
    {
        var (ctx, a, _, test) = Models();
        string path = Path.Combine(_dir, "short.hopfield");
        ctx.Model.Save(a, test.Schema, path);
        byte[] good = File.ReadAllBytes(path);
        foreach (long k in Boundaries(good).Where(k => k < good.Length))
        {
            File.WriteAllBytes(path, good[..(int)k]);
            var ex = Assert.Throws<InvalidDataException>(() => ctx.Model.Load(path, out _));
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
            Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>No <see cref="PipelineStageAttribute"/>: saving it fails while the manifest is built.</summary>
    private sealed class UnsaveableStage : ITransformer
    {
        public DataSchema GetOutputSchema(DataSchema inputSchema) => inputSchema;

        public DataSet Transform(DataSet input) => input;

        public void Save(ModelSaveContext context)
        {
        }
    }
}
