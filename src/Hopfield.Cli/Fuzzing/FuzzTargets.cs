using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Hopfield.ML;
using Hopfield.ML.Classification;
using Hopfield.ML.Imaging;
using Hopfield.ML.Imaging.Codecs;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.Export;
using Hopfield.ML.Onnx.Runtime;
using Hopfield.ML.Pipeline;
using Hopfield.ML.Pipeline.Stages;

namespace Hopfield.Cli.Fuzzing;

/// <summary>The parsers the fuzzer knows, each with a seed corpus built in-process (plus optional corpus files).</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } = ["png", "pnm", "idx", "model", "onnx"];

    /// <summary>Builds a target; <paramref name="corpus"/> files whose extension fits are added as seeds when they parse.</summary>
    public static FuzzTarget Create(string name, IEnumerable<string>? corpus = null)
    {
        var target = name switch
        {
            "png" => Png(),
            "pnm" => Pnm(),
            "idx" => Idx(),
            "model" => Model(),
            "onnx" => Onnx(),
            _ => throw new ArgumentException($"Unknown parser '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name)),
        };
        var extra = (corpus ?? []).Where(f => Fits(name, f)).Select(File.ReadAllBytes).Where(b => Parses(target, b)).ToList();
        return extra.Count == 0 ? target : new FuzzTarget
        {
            Name = target.Name,
            Seeds = [.. target.Seeds, .. extra],
            Parse = target.Parse,
            IsDocumented = target.IsDocumented,
            DocumentedExceptions = target.DocumentedExceptions,
            LengthFields = target.LengthFields,
            Repair = target.Repair,
            TextNumbers = target.TextNumbers,
        };
    }

    private static bool Fits(string parser, string file)
    {
        string f = file.ToUpperInvariant();
        return parser switch
        {
            "png" => f.EndsWith(".PNG", StringComparison.Ordinal),
            "pnm" => f.EndsWith(".PGM", StringComparison.Ordinal) || f.EndsWith(".PPM", StringComparison.Ordinal) || f.EndsWith(".PBM", StringComparison.Ordinal) || f.EndsWith(".PNM", StringComparison.Ordinal),
            "idx" => f.Contains(".IDX", StringComparison.Ordinal) || f.Contains("-UBYTE", StringComparison.Ordinal),
            "onnx" => f.EndsWith(".ONNX", StringComparison.Ordinal),
            _ => f.EndsWith(".HOPFIELD", StringComparison.Ordinal) || f.EndsWith(".HFML", StringComparison.Ordinal),
        };
    }

    private static bool Parses(FuzzTarget target, byte[] bytes)
    {
        try
        {
            target.Parse(bytes);
            return true;
        }
        catch (Exception ex) when (target.IsDocumented(ex, bytes))
        {
            return false;
        }
    }

    private static FuzzTarget Png()
    {
        var seeds = new List<byte[]>
        {
            ML.Imaging.Codecs.Png.Encode(Pattern(7, 5, 1), new PngWriteOptions { BitDepth = 1 }),
            ML.Imaging.Codecs.Png.Encode(Pattern(6, 4, 1), new PngWriteOptions { BitDepth = 2, Interlace = true }),
            ML.Imaging.Codecs.Png.Encode(Pattern(5, 6, 1), new PngWriteOptions { BitDepth = 4 }),
            ML.Imaging.Codecs.Png.Encode(Pattern(9, 7, 1), new PngWriteOptions { BitDepth = 8, Filter = PngFilterStrategy.Paeth }),
            ML.Imaging.Codecs.Png.Encode(Pattern(4, 3, 1), new PngWriteOptions { BitDepth = 16, Filter = PngFilterStrategy.Average }),
            ML.Imaging.Codecs.Png.Encode(Pattern(5, 5, 2), new PngWriteOptions { Filter = PngFilterStrategy.Sub }),
            ML.Imaging.Codecs.Png.Encode(Pattern(8, 3, 3), new PngWriteOptions { Filter = PngFilterStrategy.Up, Interlace = true }),
            ML.Imaging.Codecs.Png.Encode(Pattern(9, 7, 4), new PngWriteOptions { BitDepth = 16, Interlace = true }),
            ML.Imaging.Codecs.Png.Encode(Pattern(3, 9, 4)),
            PalettePng(withTransparency: true),
            PalettePng(withTransparency: false),
        };
        return new FuzzTarget
        {
            Name = "png",
            Seeds = seeds,
            Parse = d => ML.Imaging.Codecs.Png.Decode(d, "fuzz.png"),
            IsDocumented = (ex, _) => ex is InvalidDataException,
            DocumentedExceptions = "InvalidDataException",
            LengthFields = PngFields,
            Repair = RepairPngCrcs,
        };
    }

    private static FuzzTarget Pnm()
    {
        var rgb = Pattern(7, 5, 3);
        var grey = Pattern(9, 4, 1);
        var seeds = new List<byte[]>
        {
            ML.Imaging.Codecs.Pnm.Encode(grey, PnmFormat.AsciiBitmap),
            ML.Imaging.Codecs.Pnm.Encode(grey, PnmFormat.AsciiGreymap),
            ML.Imaging.Codecs.Pnm.Encode(rgb, PnmFormat.AsciiPixmap, 1000),
            ML.Imaging.Codecs.Pnm.Encode(grey, PnmFormat.Bitmap),
            ML.Imaging.Codecs.Pnm.Encode(grey, PnmFormat.Greymap, 65535),
            ML.Imaging.Codecs.Pnm.Encode(rgb, PnmFormat.Pixmap),
            Encoding.ASCII.GetBytes("P2\n# comment\n3 2\n# more\n15\n0 1 2\n3 4 15\n"),
            Encoding.ASCII.GetBytes("P1\n4 2\n0101\n1 0 1 0\n"),
        };
        return new FuzzTarget
        {
            Name = "pnm",
            Seeds = seeds,
            Parse = d => ML.Imaging.Codecs.Pnm.Decode(d, "fuzz.pnm"),
            IsDocumented = (ex, _) => ex is InvalidDataException,
            DocumentedExceptions = "InvalidDataException",
            TextNumbers = true,
        };
    }

    private static FuzzTarget Idx()
    {
        var seeds = new List<byte[]>();
        foreach (bool gz in new[] { false, true })
        {
            seeds.Add(IdxBytes([3, 5, 4], [.. Enumerable.Range(0, 60).Select(i => (byte)(i * 3))], gz));
            seeds.Add(IdxBytes([7], [1, 2, 3, 4, 5, 6, 7], gz));
        }

        seeds.Add([0, 0, 0x0D, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0x3f, 0xc0, 0, 0, 0x40, 0, 0, 0]); // float32 [1, 2]
        seeds.Add([0, 0, 0x0B, 1, 0, 0, 0, 2, 0x80, 0x00, 0x7F, 0xFF]); // int16 [2]
        seeds.Add([0, 0, 0x0E, 1, 0, 0, 0, 1, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0]); // float64 [1]
        seeds.Add([0, 0, 0x0C, 1, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF]); // int32 [1]
        seeds.Add([0, 0, 0x09, 1, 0, 0, 0, 2, 0x80, 0x7F]); // int8 [2]
        try
        {
            // A slice of the embedded data: the first two digit images and the label file, as shipped (gzip).
            string folder = FashionMnist.FindEmbeddedFolder("mnist-labels.idx.gz");
            seeds.Add(File.ReadAllBytes(Path.Combine(folder, "mnist-labels.idx.gz")));
            var images = ML.Imaging.Codecs.Idx.Read(Path.Combine(folder, "mnist-images.idx.gz"));
            var first = images.ByteArrayCopy(2 * images.Shape[1] * images.Shape[2]);
            seeds.Add(IdxBytes([2, images.Shape[1], images.Shape[2]], first, gz: true));
            seeds.Add(IdxBytes([2, images.Shape[1], images.Shape[2]], first, gz: false));
        }
        catch (FileNotFoundException)
        {
            // the embedded data is not next to the tool: the built-in seeds are enough
        }

        return new FuzzTarget
        {
            Name = "idx",
            Seeds = seeds,
            Parse = d => ML.Imaging.Codecs.Idx.Read(new MemoryStream(d, writable: false), "fuzz.idx"),
            IsDocumented = (ex, _) => ex is InvalidDataException,
            DocumentedExceptions = "InvalidDataException",
            LengthFields = IdxFields,
        };
    }

    private static FuzzTarget Model()
    {
        var ctx = new HopfieldContext(seed: 1);
        const int dim = 5, classes = 3, perClass = 6;
        var rng = new Random(7);
        var x = new float[classes * perClass * dim];
        var y = new int[classes * perClass];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = i % classes;
            for (int j = 0; j < dim; j++)
            {
                x[(i * dim) + j] = (y[i] * 3) + (j == y[i] ? 2f : 0f) + (float)(rng.NextDouble() - 0.5);
            }
        }

        var train = ctx.Data.FromArrays("Features", x, dim, "Label", y, classes);
        var models = new ITransformer[]
        {
            ctx.Transforms.NormalizeMeanVariance("Features").Append(ctx.Transforms.HopfieldDenoise("Features", beta: 4f))
                .Append(ctx.Classifiers.SoftmaxRegression(maxIterations: 3)).Fit(train),
            ctx.Classifiers.Hopfield(beta: 2f).Fit(train),
            ctx.Transforms.CopyColumns("Raw", "Features").Append(ctx.Transforms.Concatenate("Both", "Features", "Raw")).Fit(train),
            ctx.Transforms.HopfieldPool("Pooled", "Features", instanceDimension: dim, beta: 2f).Fit(train),
        };
        var seeds = new List<byte[]>();
        foreach (var m in models)
        {
            using var ms = new MemoryStream();
            ctx.Model.Save(m, train.Schema, ms);
            seeds.Add(ms.ToArray());
        }

        return new FuzzTarget
        {
            Name = "model",
            Seeds = seeds,
            Parse = d => ctx.Model.Load(new MemoryStream(d, writable: false), out _),
            IsDocumented = (ex, _) => ex is InvalidDataException,
            DocumentedExceptions = "InvalidDataException",
            LengthFields = _ => [new(8, 4, false), new(12, 4, false), new(16, 8, false), new(24, 8, false)],
            Repair = RepairModel,
            TextNumbers = true,
        };
    }

    private static FuzzTarget Onnx()
    {
        var rng = new Random(3);
        float[] Random(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5))];
        var seeds = new List<byte[]>
        {
            OnnxExport.ModernHopfield(Random(4 * 6), 4, 6, 2f),
            OnnxExport.UniversalHopfield(new UniversalHopfieldMemory(Random(5 * 3), 5, Random(5 * 2), new UniversalHopfieldOptions
            {
                Similarity = SimilarityFunction.NegativeEuclidean,
                Separation = SeparationFunction.TopKSoftmax,
                TopK = 2,
            })),
        };
        return new FuzzTarget
        {
            Name = "onnx",
            Seeds = seeds,
            Parse = d =>
            {
                using var session = OnnxSession.FromBytes(d);
            },

            // FromBytes documents OnnxRuntimeException for a model ONNX Runtime refuses, ArgumentException for no bytes.
            IsDocumented = (ex, d) => ex is OnnxRuntimeException || (ex is ArgumentException && d.Length == 0),
            DocumentedExceptions = "OnnxRuntimeException (ArgumentException for empty input)",
        };
    }

    private static Image Pattern(int w, int h, int channels)
    {
        var data = new float[w * h * channels];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = ((i * 37) + 11) % 256 / 255f;
        }

        return new Image(w, h, channels, data);
    }

    private static byte[] IdxBytes(int[] shape, byte[] data, bool gz)
    {
        using var ms = new MemoryStream();
        ML.Imaging.Codecs.Idx.WriteBytes(ms, shape, data, gz);
        return ms.ToArray();
    }

    private static byte[] ByteArrayCopy(this IdxArray a, int count) => [.. a.Bytes!.Take(count)];

    private static byte[] PalettePng(bool withTransparency)
    {
        // 4×3, 2 bits per index, 4-entry palette, hand-built: the writer emits no palette images.
        const int w = 4, h = 3;
        using var ms = new MemoryStream();
        ms.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
        ihdr[8] = 2;
        ihdr[9] = 3;
        Chunk(ms, "IHDR", ihdr);
        Chunk(ms, "PLTE", [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]);
        if (withTransparency)
        {
            Chunk(ms, "tRNS", [0, 128]);
        }

        Chunk(ms, "tEXt", "Comment\0fuzz seed"u8);
        var raw = new byte[h * (1 + 1)];
        for (int r = 0; r < h; r++)
        {
            raw[r * 2] = (byte)(r % 2); // filters None and Sub
            raw[(r * 2) + 1] = (byte)(0b00011011 + r);
        }

        using var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true))
        {
            zs.Write(raw);
        }

        Chunk(ms, "IDAT", z.ToArray());
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, ReadOnlySpan<byte> body)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, body.Length);
        Encoding.ASCII.GetBytes(type, head.AsSpan(4));
        s.Write(head);
        s.Write(body);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, PngCrc.Compute(head.AsSpan(4), body));
        s.Write(crc);
    }

    private static IEnumerable<LengthField> PngFields(byte[] d)
    {
        var fields = new List<LengthField>();
        int pos = 8;
        while (pos + 12 <= d.Length)
        {
            fields.Add(new(pos, 4, true));
            uint len = BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(pos));
            if (d.AsSpan(pos + 4, 4).SequenceEqual("IHDR"u8))
            {
                fields.Add(new(pos + 8, 4, true)); // width
                fields.Add(new(pos + 12, 4, true)); // height
                fields.Add(new(pos + 16, 1, true)); // bit depth
                fields.Add(new(pos + 17, 1, true)); // colour type
                fields.Add(new(pos + 20, 1, true)); // interlace
            }

            if (len > d.Length - pos - 12)
            {
                break;
            }

            pos += 12 + (int)len;
        }

        return fields;
    }

    /// <summary>Walks the chunk list as far as it is well-formed and recomputes each CRC.</summary>
    private static byte[] RepairPngCrcs(byte[] d)
    {
        int pos = 8;
        while (pos + 12 <= d.Length)
        {
            uint len = BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(pos));
            if (len > d.Length - pos - 12)
            {
                break;
            }

            BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(pos + 8 + (int)len), PngCrc.Compute(d.AsSpan(pos + 4, 4), d.AsSpan(pos + 8, (int)len)));
            pos += 12 + (int)len;
        }

        return d;
    }

    private static IEnumerable<LengthField> IdxFields(byte[] d)
    {
        if (d.Length < 4 || d[0] != 0 || d[1] != 0)
        {
            return []; // gzip: the header is compressed
        }

        var fields = new List<LengthField> { new(2, 1, true), new(3, 1, true) };
        for (int i = 0; i < Math.Min((int)d[3], 8); i++)
        {
            fields.Add(new(4 + (4 * i), 4, true));
        }

        return fields;
    }

    /// <summary>Makes the manifest length fit the file again (keeping the payload length) and recomputes the SHA-256.</summary>
    private static byte[] RepairModel(byte[] d)
    {
        const int header = 32, hash = 32;
        if (d.Length < header + hash)
        {
            return d;
        }

        ulong p = BinaryPrimitives.ReadUInt64LittleEndian(d.AsSpan(24));
        long m = d.Length - header - hash - (long)Math.Min(p, (ulong)d.Length);
        if (m >= 0)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(16), (ulong)m);
        }

        SHA256.HashData(d.AsSpan(0, d.Length - hash), d.AsSpan(d.Length - hash));
        return d;
    }

    /// <summary>CRC-32 (ISO 3309) as PNG uses it.</summary>
    private static class PngCrc
    {
        private static readonly uint[] Table = Build();

        public static uint Compute(ReadOnlySpan<byte> type, ReadOnlySpan<byte> body)
        {
            uint c = 0xFFFFFFFF;
            foreach (byte b in type)
            {
                c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
            }

            foreach (byte b in body)
            {
                c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
            }

            return c ^ 0xFFFFFFFF;
        }

        private static uint[] Build()
        {
            var t = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                }

                t[n] = c;
            }

            return t;
        }
    }
}
