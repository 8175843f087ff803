using System.Buffers.Binary;
using System.Text;

namespace Hopfield.Cli.Fuzzing;

/// <summary>
/// Seeded mutations of a seed input: bit flips, bytes set to interesting values, truncation, splices of two seeds,
/// chunk duplication and removal, random overwrites, and format-aware lies: binary length and dimension fields
/// set to absurd values, and (for text formats) ASCII numbers replaced by absurd ones. Half of the inputs of a
/// format with checksums get them repaired afterwards so the lies reach the code behind the check.
/// </summary>
internal static class Mutator
{
    private static readonly byte[] InterestingBytes = [0x00, 0xFF, 0x7F, 0x80];

    private static readonly ulong[] Lies =
    [
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x10000000,
        1UL << 32, 1_000_000_000_000, long.MaxValue, ulong.MaxValue,
    ];

    private static readonly string[] NumberLies =
    [
        "0", "1", "-1", "255", "65535", "65536", "2147483647", "2147483648", "-2147483648", "4294967296",
        "1000000000000", "9223372036854775807", "99999999999999999999", "1e300", "-0", "0.5",
    ];

    public static byte[] Mutate(FuzzTarget target, FuzzRandom rng)
    {
        var seeds = target.Seeds;
        byte[] d = (byte[])seeds[rng.Next(seeds.Count)].Clone();
        byte[] other = seeds[rng.Next(seeds.Count)];
        int rounds = 1 + rng.Next(3);
        for (int r = 0; r < rounds; r++)
        {
            d = rng.Next(9) switch
            {
                0 => FlipBits(d, rng),
                1 => SetInteresting(d, rng),
                2 => d[..rng.Next(d.Length + 1)],
                3 => Splice(d, other, rng),
                4 => DuplicateOrRemoveChunk(d, other, rng),
                5 or 6 => LieAboutLength(d, target, rng),
                7 => target.TextNumbers ? LieAboutTextNumber(d, rng) : LieAboutLength(d, target, rng),
                _ => Overwrite(d, rng),
            };
        }

        if (target.Repair is not null && rng.Next(2) == 0)
        {
            d = target.Repair(d);
        }

        return d;
    }

    private static byte[] FlipBits(byte[] d, FuzzRandom rng)
    {
        for (int k = 0, n = 1 + rng.Next(4); k < n && d.Length > 0; k++)
        {
            d[rng.Next(d.Length)] ^= (byte)(1 << rng.Next(8));
        }

        return d;
    }

    private static byte[] SetInteresting(byte[] d, FuzzRandom rng)
    {
        for (int k = 0, n = 1 + rng.Next(4); k < n && d.Length > 0; k++)
        {
            d[rng.Next(d.Length)] = InterestingBytes[rng.Next(InterestingBytes.Length)];
        }

        return d;
    }

    private static byte[] Overwrite(byte[] d, FuzzRandom rng)
    {
        for (int k = 0, n = 1 + rng.Next(8); k < n && d.Length > 0; k++)
        {
            d[rng.Next(d.Length)] = (byte)rng.Next(256);
        }

        return d;
    }

    private static byte[] Splice(byte[] d, byte[] other, FuzzRandom rng)
    {
        int cut = rng.Next(d.Length + 1), from = rng.Next(other.Length + 1);
        return [.. d.AsSpan(0, cut), .. other.AsSpan(from)];
    }

    private static byte[] DuplicateOrRemoveChunk(byte[] d, byte[] other, FuzzRandom rng)
    {
        if (d.Length < 2)
        {
            return d;
        }

        int s = rng.Next(d.Length);
        int len = rng.Next(1, Math.Min(256, d.Length - s) + 1);
        switch (rng.Next(3))
        {
            case 0:
                return [.. d.AsSpan(0, s + len), .. d.AsSpan(s)];
            case 1:
                return [.. d.AsSpan(0, s), .. d.AsSpan(s + len)];
            default:
                int os = rng.Next(other.Length);
                int olen = Math.Min(len, other.Length - os);
                return [.. d.AsSpan(0, s), .. other.AsSpan(os, olen), .. d.AsSpan(s)];
        }
    }

    private static byte[] LieAboutLength(byte[] d, FuzzTarget target, FuzzRandom rng)
    {
        var fields = target.LengthFields?.Invoke(d).Where(f => f.Offset >= 0 && f.Offset + f.Size <= d.Length).ToList();
        LengthField field;
        if (fields is { Count: > 0 })
        {
            field = fields[rng.Next(fields.Count)];
        }
        else if (d.Length >= 4)
        {
            field = new LengthField(rng.Next(Math.Min(d.Length - 3, 64)), 4, rng.Next(2) == 0);
        }
        else
        {
            return d;
        }

        ulong lie = rng.Next(4) == 0 ? NearbyLie(d, field, rng) : Lies[rng.Next(Lies.Length)];
        var span = d.AsSpan(field.Offset, field.Size);
        switch (field.Size)
        {
            case 1:
                span[0] = (byte)lie;
                break;
            case 2:
                if (field.BigEndian)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)lie);
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)lie);
                }

                break;
            case 4:
                if (field.BigEndian)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(span, (uint)lie);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)lie);
                }

                break;
            default:
                if (field.BigEndian)
                {
                    BinaryPrimitives.WriteUInt64BigEndian(span, lie);
                }
                else
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(span, lie);
                }

                break;
        }

        return d;
    }

    // Off by a little from the true value: the lies most likely to get past a first check.
    private static ulong NearbyLie(byte[] d, LengthField f, FuzzRandom rng)
    {
        var span = d.AsSpan(f.Offset, f.Size);
        ulong v = f.Size switch
        {
            1 => span[0],
            2 => f.BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span),
            4 => f.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span),
            _ => f.BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(span) : BinaryPrimitives.ReadUInt64LittleEndian(span),
        };
        return rng.Next(3) switch
        {
            0 => v + (ulong)rng.Next(1, 5),
            1 => v - (ulong)rng.Next(1, 5),
            _ => v * 2,
        };
    }

    private static byte[] LieAboutTextNumber(byte[] d, FuzzRandom rng)
    {
        // Find the ASCII digit runs (optionally signed) in the first 4 KiB and replace one with an absurd number.
        var runs = new List<(int Start, int Length)>();
        int limit = Math.Min(d.Length, 4096);
        for (int i = 0; i < limit;)
        {
            if (d[i] is >= (byte)'0' and <= (byte)'9')
            {
                int s = i > 0 && d[i - 1] == '-' ? i - 1 : i;
                while (i < d.Length && d[i] is >= (byte)'0' and <= (byte)'9')
                {
                    i++;
                }

                runs.Add((s, i - s));
            }
            else
            {
                i++;
            }
        }

        if (runs.Count == 0)
        {
            return d;
        }

        var (start, length) = runs[rng.Next(runs.Count)];
        byte[] lie = Encoding.ASCII.GetBytes(NumberLies[rng.Next(NumberLies.Length)]);
        return [.. d.AsSpan(0, start), .. lie, .. d.AsSpan(start + length)];
    }
}
