using Hopfield.ML.Imaging.Codecs;

namespace Hopfield.ML.Imaging.Processing;

/// <summary>Layout options for <see cref="ImageGrid"/>.</summary>
public sealed record GridOptions
{
    /// <summary>Defaults: scale 4, gap 2, white gaps.</summary>
    public static GridOptions Default { get; } = new();

    /// <summary>Integer upscaling factor (nearest neighbour), 1–64.</summary>
    public int Scale { get; init; } = 4;

    /// <summary>Gap between tiles and around the border, in output pixels, 0–256.</summary>
    public int Gap { get; init; } = 2;

    /// <summary>Grey level of gaps and empty cells, in [0, 1].</summary>
    public float Background { get; init; } = 1f;
}

/// <summary>
/// Composes same-size grey tiles into one grid image (rows × columns, a gap between tiles, integer upscaling), for
/// "original | corrupted | retrieved" figures and step strips; saves as PNG.
/// </summary>
public static class ImageGrid
{
    /// <summary>Composes rows of tiles; a null tile leaves its cell empty. Colour tiles are converted to grey.</summary>
    /// <param name="rows">Rows of tiles (rows may differ in length; the widest sets the column count). All tiles must share one size.</param>
    /// <param name="options">Scale, gap, background; <see cref="GridOptions.Default"/> when null.</param>
    /// <returns>A single-channel image.</returns>
    public static Image Compose(IReadOnlyList<IReadOnlyList<Image?>> rows, GridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        options ??= GridOptions.Default;
        if (options.Scale is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Scale, "Scale must be in 1..64.");
        }

        if (options.Gap is < 0 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Gap, "Gap must be in 0..256.");
        }

        int cols = rows.Count == 0 ? 0 : rows.Max(r => r?.Count ?? 0);
        var first = rows.SelectMany(r => r ?? []).FirstOrDefault(t => t is not null)
            ?? throw new ArgumentException("The grid has no tiles.", nameof(rows));
        int tw = first.Width, th = first.Height, s = options.Scale, g = options.Gap;
        long outW = g + ((long)cols * ((tw * s) + g)), outH = g + ((long)rows.Count * ((th * s) + g));
        ImageLimits.Default.Check(outW, outH, 1, "image grid");
        var dst = new Image((int)outW, (int)outH, 1);
        Array.Fill(dst.Data, Math.Clamp(options.Background, 0f, 1f));
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r] ?? [];
            for (int c = 0; c < row.Count; c++)
            {
                var tile = row[c];
                if (tile is null)
                {
                    continue;
                }

                if (tile.Width != tw || tile.Height != th)
                {
                    throw new ArgumentException($"Tile ({r}, {c}) is {tile.Width}×{tile.Height}; all tiles must be {tw}×{th}.", nameof(rows));
                }

                var grey = tile.Channels == 1 ? tile : Pixels.ToGrayscale(tile);
                int ox = g + (c * ((tw * s) + g)), oy = g + (r * ((th * s) + g));
                for (int y = 0; y < th * s; y++)
                {
                    for (int x = 0; x < tw * s; x++)
                    {
                        dst.Data[((oy + y) * dst.Width) + ox + x] = Math.Clamp(grey.Data[((y / s) * tw) + (x / s)], 0f, 1f);
                    }
                }
            }
        }

        return dst;
    }

    /// <summary>Composes grey rows (flat float arrays of <paramref name="width"/> × <paramref name="height"/>, in [0, 1]) laid out row-major in <paramref name="columns"/> columns.</summary>
    /// <param name="tiles">Tiles; null entries stay empty.</param>
    /// <param name="width">Tile width.</param>
    /// <param name="height">Tile height.</param>
    /// <param name="columns">Columns (≥ 1); e.g. 3 for original | corrupted | retrieved.</param>
    /// <param name="options">Scale, gap, background.</param>
    /// <returns>A single-channel image.</returns>
    public static Image Compose(IReadOnlyList<float[]?> tiles, int width, int height, int columns, GridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        var rows = new List<IReadOnlyList<Image?>>();
        for (int i = 0; i < tiles.Count; i += columns)
        {
            rows.Add(tiles.Skip(i).Take(columns).Select(t => t is null ? null : Image.FromGrey(width, height, t)).ToArray());
        }

        return Compose(rows, options);
    }

    /// <summary>A single-row strip (e.g. the states of a retrieval, step by step).</summary>
    /// <param name="tiles">Grey tiles.</param>
    /// <param name="width">Tile width.</param>
    /// <param name="height">Tile height.</param>
    /// <param name="options">Scale, gap, background.</param>
    /// <returns>A single-channel image.</returns>
    public static Image Strip(IReadOnlyList<float[]?> tiles, int width, int height, GridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        return Compose(tiles, width, height, Math.Max(1, tiles.Count), options);
    }

    /// <summary>Composes and writes a PNG (8-bit grey).</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="tiles">Grey tiles, row-major.</param>
    /// <param name="width">Tile width.</param>
    /// <param name="height">Tile height.</param>
    /// <param name="columns">Columns.</param>
    /// <param name="options">Scale, gap, background.</param>
    public static void SavePng(string path, IReadOnlyList<float[]?> tiles, int width, int height, int columns, GridOptions? options = null)
        => Png.Write(Compose(tiles, width, height, columns, options), path);
}
