using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Hopfield.ML.Imaging.Codecs;

namespace Hopfield.ML.Imaging.Tests.Codecs;

/// <summary>
/// Seeded mutation fuzzing of every decoder: bit flips, byte overwrites, truncation, splices, and length-field /
/// dimension lies (for PNG also with the CRCs repaired so the lies reach the decoder). Every input must either
/// decode or throw <see cref="InvalidDataException"/>; anything else (IndexOutOfRange, NullReference, overflow,
/// OOM) fails. Default iterations per decoder: 1500; set HOPFIELD_FUZZ_ITERATIONS for a longer run.
/// </summary>
public class FuzzTests
{
    private static readonly ImageLimits Limits = new() { MaxPixels = 1 << 20, MaxDimension = 1 << 14, MaxItems = 100_000 };

    private static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("HOPFIELD_FUZZ_ITERATIONS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 1500;

    [Fact]
    public void PngDecoder()
    {
        var seeds = Directory.GetFiles(PngConformanceTests.Folder, "*.png").OrderBy(f => f, StringComparer.Ordinal)
            .Select(File.ReadAllBytes).ToList();
        seeds.Add(Hopfield.ML.Imaging.Codecs.Png.Encode(PngTests.RandomImage(9, 7, 4, 16, 1), new PngWriteOptions { Interlace = true, BitDepth = 16 }));
        Run(seeds, d => Hopfield.ML.Imaging.Codecs.Png.Decode(d, "fuzz.png", Limits), fixPng: true, seed: 1);
    }

    [Fact]
    public void PnmDecoder()
    {
        var img = PngTests.RandomImage(7, 5, 3, 8, 2);
        var grey = PngTests.RandomImage(9, 4, 1, 8, 3);
        var seeds = new List<byte[]>
        {
            Hopfield.ML.Imaging.Codecs.Pnm.Encode(grey, PnmFormat.AsciiBitmap), Hopfield.ML.Imaging.Codecs.Pnm.Encode(grey, PnmFormat.AsciiGreymap),
            Hopfield.ML.Imaging.Codecs.Pnm.Encode(img, PnmFormat.AsciiPixmap), Hopfield.ML.Imaging.Codecs.Pnm.Encode(grey, PnmFormat.Bitmap),
            Hopfield.ML.Imaging.Codecs.Pnm.Encode(grey, PnmFormat.Greymap, 65535), Hopfield.ML.Imaging.Codecs.Pnm.Encode(img, PnmFormat.Pixmap),
            Encoding.ASCII.GetBytes("P2\n# comment\n3 2\n# more\n15\n0 1 2\n3 4 15\n"),
        };
        Run(seeds, d => Hopfield.ML.Imaging.Codecs.Pnm.Decode(d, "fuzz.pnm", Limits), fixPng: false, seed: 2);
    }

    [Fact]
    public void IdxReader()
    {
        var seeds = new List<byte[]>();
        foreach (bool gz in new[] { false, true })
        {
            using var ms = new MemoryStream();
            Hopfield.ML.Imaging.Codecs.Idx.WriteBytes(ms, [3, 5, 4], Enumerable.Range(0, 60).Select(i => (byte)(i * 3)).ToArray(), gz);
            seeds.Add(ms.ToArray());
            using var ms2 = new MemoryStream();
            Hopfield.ML.Imaging.Codecs.Idx.WriteBytes(ms2, [7], [1, 2, 3, 4, 5, 6, 7], gz);
            seeds.Add(ms2.ToArray());
        }

        seeds.Add([0, 0, 0x0D, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0x3f, 0xc0, 0, 0, 0x40, 0, 0, 0]);
        Run(seeds, d => Hopfield.ML.Imaging.Codecs.Idx.Read(new MemoryStream(d), "fuzz.idx", Limits), fixPng: false, seed: 3);
    }

    private static void Run(List<byte[]> seeds, Action<byte[]> decode, bool fixPng, int seed)
    {
        foreach (var s in seeds)
        {
            decode(s); // every seed is valid
        }

        var rng = new Random(seed);
        int rejected = 0;
        for (int i = 0; i < Iterations; i++)
        {
            var input = Mutate(seeds[rng.Next(seeds.Count)], seeds[rng.Next(seeds.Count)], rng);
            if (fixPng && rng.Next(2) == 0)
            {
                FixPngCrcs(input);
            }

            try
            {
                decode(input);
            }
            catch (InvalidDataException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                rejected++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"Iteration {i} (seed {seed}): {ex.GetType().Name}: {ex.Message}\ninput: {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 200)))}\n{ex.StackTrace}");
            }
        }

        Assert.True(rejected > Iterations / 10, $"only {rejected} of {Iterations} mutated inputs were rejected");
    }

    private static byte[] Mutate(byte[] a, byte[] b, Random rng)
    {
        var d = (byte[])a.Clone();
        int rounds = 1 + rng.Next(3);
        for (int r = 0; r < rounds; r++)
        {
            switch (rng.Next(6))
            {
                case 0: // bit flips
                    for (int k = 0, n = 1 + rng.Next(4); k < n && d.Length > 0; k++)
                    {
                        d[rng.Next(d.Length)] ^= (byte)(1 << rng.Next(8));
                    }

                    break;
                case 1: // truncate
                    d = d[..rng.Next(d.Length + 1)];
                    break;
                case 2: // splice: head of this one + tail of another
                    int cut = rng.Next(d.Length + 1), from = rng.Next(b.Length + 1);
                    d = [.. d.AsSpan(0, cut), .. b.AsSpan(from)];
                    break;
                case 3: // 32-bit field lie (lengths, dimensions), big-endian as all three formats use
                    if (d.Length >= 4)
                    {
                        int at = rng.Next(Math.Min(d.Length - 3, 40));
                        uint[] lies = [0, 1, 0x7fffffff, 0xffffffff, 65536, (uint)rng.Next(), 0x10000000];
                        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(at), lies[rng.Next(lies.Length)]);
                    }

                    break;
                case 4: // random bytes overwritten
                    for (int k = 0, n = 1 + rng.Next(8); k < n && d.Length > 0; k++)
                    {
                        d[rng.Next(d.Length)] = (byte)rng.Next(256);
                    }

                    break;
                default: // duplicate or delete a range
                    if (d.Length > 2)
                    {
                        int s = rng.Next(d.Length), len = rng.Next(1, Math.Min(64, d.Length - s) + 1);
                        d = rng.Next(2) == 0 ? [.. d.AsSpan(0, s + len), .. d.AsSpan(s)] : [.. d.AsSpan(0, s), .. d.AsSpan(s + len)];
                    }

                    break;
            }
        }

        return d;
    }

    /// <summary>Walks the chunk list as far as it is well-formed and recomputes each CRC.</summary>
    private static void FixPngCrcs(byte[] d)
    {
        int pos = 8;
        while (pos + 12 <= d.Length)
        {
            uint len = BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(pos));
            if (len > d.Length - pos - 12)
            {
                return;
            }

            BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(pos + 8 + (int)len), Crc32.Compute(d.AsSpan(pos + 4, 4), d.AsSpan(pos + 8, (int)len)));
            pos += 12 + (int)len;
        }
    }
}
