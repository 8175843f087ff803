namespace Hopfield.Cli.Fuzzing;

/// <summary>
/// A small deterministic generator (SplitMix64) seeded from (run seed, parser, iteration), so that any one input
/// can be rebuilt from those three numbers without replaying the inputs before it.
/// </summary>
internal sealed class FuzzRandom
{
    private ulong _state;

    public FuzzRandom(int seed, string parser, long iteration)
    {
        ulong h = 14695981039346656037UL; // FNV-1a of the parser name: stable across processes
        foreach (char c in parser)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        _state = h ^ ((ulong)(uint)seed << 32) ^ (ulong)iteration;
        NextUInt64();
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, <paramref name="maxExclusive"/>); 0 when the range is empty.</summary>
    public int Next(int maxExclusive) => maxExclusive <= 0 ? 0 : (int)(NextUInt64() % (ulong)maxExclusive);

    /// <summary>A value in [<paramref name="min"/>, <paramref name="maxExclusive"/>).</summary>
    public int Next(int min, int maxExclusive) => min + Next(maxExclusive - min);
}
