using System.Globalization;
using System.Security;
using System.Text;

namespace Hopfield.ML.Imaging.Charts;

/// <summary>One named series of a chart: points (x, y) for a line chart, or one value per category for a bar chart.</summary>
/// <param name="Name">Legend text (escaped when written).</param>
/// <param name="X">X coordinates (line charts); ignored by bar charts.</param>
/// <param name="Y">Y values, one per point or per category.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>A bar-chart series: one value per category, no x coordinates.</summary>
    /// <param name="name">Legend text.</param>
    /// <param name="values">One value per category.</param>
    /// <returns>The series.</returns>
    public static ChartSeries Bars(string name, IReadOnlyList<double> values) => new(name, [], values);
}

/// <summary>Layout and axes of an <see cref="SvgChart"/>.</summary>
public sealed record ChartOptions
{
    /// <summary>Title drawn above the plot; empty for none.</summary>
    public string Title { get; init; } = "";

    /// <summary>Label of the x axis.</summary>
    public string XLabel { get; init; } = "";

    /// <summary>Label of the y axis.</summary>
    public string YLabel { get; init; } = "";

    /// <summary>Width of the picture in pixels (≥ 200).</summary>
    public int Width { get; init; } = 720;

    /// <summary>Height of the picture in pixels (≥ 150).</summary>
    public int Height { get; init; } = 420;

    /// <summary>Logarithmic x axis (line charts; every x must then be &gt; 0).</summary>
    public bool LogX { get; init; }

    /// <summary>Lower end of the y axis; null for the data minimum (0 when all data are ≥ 0).</summary>
    public double? YMin { get; init; }

    /// <summary>Upper end of the y axis; null for the data maximum.</summary>
    public double? YMax { get; init; }
}

/// <summary>
/// Writes small, dependency-free SVG charts (line and grouped bar) for result pages: axes with ticks,
/// a legend, and a fixed colour and dash cycle so that many series stay distinguishable in print.
/// </summary>
public static class SvgChart
{
    private const int Left = 64, Right = 200, Top = 36, Bottom = 52;

    private static readonly string[] Colors =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private static readonly string[] Dashes = ["", "6,3", "2,2", "8,3,2,3"];

    /// <summary>Renders a line chart: one polyline with point markers per series.</summary>
    /// <param name="series">The series (at least one; each with equally many finite x and y, at least one point).</param>
    /// <param name="options">Layout; null for the defaults.</param>
    /// <returns>The SVG document text.</returns>
    /// <exception cref="ArgumentException">No series, a series without points, x/y counts differ, a non-finite value, or x ≤ 0 on a log axis.</exception>
    public static string Line(IReadOnlyList<ChartSeries> series, ChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        options ??= new ChartOptions();
        CheckLayout(options);
        if (series.Count == 0)
        {
            throw new ArgumentException("A chart needs at least one series.", nameof(series));
        }

        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        foreach (var s in series)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(series));
            if (s.Y.Count == 0 || s.X.Count != s.Y.Count)
            {
                throw new ArgumentException($"Series '{s.Name}' has {s.X.Count} x values and {s.Y.Count} y values; it needs equally many, at least one.", nameof(series));
            }

            foreach (double x in s.X)
            {
                CheckFinite(x, s.Name, "x");
                if (options.LogX && x <= 0)
                {
                    throw new ArgumentException($"Series '{s.Name}' has x = {x.ToString(CultureInfo.InvariantCulture)}; a logarithmic x axis needs x > 0.", nameof(series));
                }

                xMin = Math.Min(xMin, x);
                xMax = Math.Max(xMax, x);
            }
        }

        var (yMin, yMax) = YRange(series, options);
        var plot = new Plot(options, xMin, xMax, yMin, yMax);
        var sb = Begin(options);
        plot.Axes(sb, XTicks(xMin, xMax, options.LogX, series));
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            string color = Colors[i % Colors.Length], dash = Dashes[(i / Colors.Length) % Dashes.Length];
            var points = new StringBuilder();
            for (int j = 0; j < s.X.Count; j++)
            {
                points.Append(Num(plot.Px(s.X[j]))).Append(',').Append(Num(plot.Py(s.Y[j]))).Append(' ');
            }

            sb.Append("<polyline class=\"series\" fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"2\"");
            if (dash.Length > 0)
            {
                sb.Append(" stroke-dasharray=\"").Append(dash).Append('"');
            }

            sb.Append(" points=\"").Append(points.ToString().TrimEnd()).Append("\"><title>").Append(Esc(s.Name)).Append("</title></polyline>\n");
            for (int j = 0; j < s.X.Count; j++)
            {
                sb.Append("<circle cx=\"").Append(Num(plot.Px(s.X[j]))).Append("\" cy=\"").Append(Num(plot.Py(s.Y[j])))
                    .Append("\" r=\"2.5\" fill=\"").Append(color).Append("\"/>\n");
            }

            Legend(sb, options, i, s.Name, color, dash, line: true);
        }

        return End(sb);
    }

    /// <summary>Renders a grouped bar chart: one group per category, one bar per series in each group.</summary>
    /// <param name="categories">Category labels along the x axis (at least one).</param>
    /// <param name="series">The series, each with one finite value per category.</param>
    /// <param name="options">Layout; <see cref="ChartOptions.LogX"/> is ignored.</param>
    /// <returns>The SVG document text.</returns>
    /// <exception cref="ArgumentException">No categories or series, or a series with the wrong number of values or a non-finite value.</exception>
    public static string Bar(IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series, ChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(series);
        options ??= new ChartOptions();
        CheckLayout(options);
        if (categories.Count == 0)
        {
            throw new ArgumentException("A bar chart needs at least one category.", nameof(categories));
        }

        if (series.Count == 0)
        {
            throw new ArgumentException("A chart needs at least one series.", nameof(series));
        }

        foreach (var s in series)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(series));
            if (s.Y.Count != categories.Count)
            {
                throw new ArgumentException($"Series '{s.Name}' has {s.Y.Count} values for {categories.Count} categories.", nameof(series));
            }
        }

        var (yMin, yMax) = YRange(series, options);
        yMin = Math.Min(yMin, 0);
        var plot = new Plot(options, -0.5, categories.Count - 0.5, yMin, yMax);
        var sb = Begin(options);
        plot.Axes(sb, categories.Select((c, i) => ((double)i, c)).ToList());
        double groupWidth = 0.8 * (plot.Px(1) - plot.Px(0));
        double barWidth = groupWidth / series.Count;
        for (int i = 0; i < series.Count; i++)
        {
            string color = Colors[i % Colors.Length];
            for (int c = 0; c < categories.Count; c++)
            {
                double v = series[i].Y[c];
                double x = plot.Px(c) - (groupWidth / 2) + (i * barWidth);
                double y0 = plot.Py(0), y1 = plot.Py(v);
                sb.Append("<rect class=\"bar\" x=\"").Append(Num(x)).Append("\" y=\"").Append(Num(Math.Min(y0, y1)))
                    .Append("\" width=\"").Append(Num(barWidth * 0.92)).Append("\" height=\"").Append(Num(Math.Abs(y1 - y0)))
                    .Append("\" fill=\"").Append(color).Append("\"><title>").Append(Esc(series[i].Name)).Append(" / ").Append(Esc(categories[c]))
                    .Append(": ").Append(v.ToString("G4", CultureInfo.InvariantCulture)).Append("</title></rect>\n");
            }

            Legend(sb, options, i, series[i].Name, color, "", line: false);
        }

        return End(sb);
    }

    /// <summary>Writes <paramref name="svg"/> to <paramref name="path"/> (UTF-8, no byte-order mark), creating the folder.</summary>
    /// <param name="path">Output file.</param>
    /// <param name="svg">SVG text from <see cref="Line"/> or <see cref="Bar"/>.</param>
    public static void Save(string path, string svg)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(svg);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(path, svg, new UTF8Encoding(false));
    }

    internal static List<(double Value, string Label)> XTicks(double min, double max, bool log, IReadOnlyList<ChartSeries> series)
    {
        // Ticks at the distinct x values when there are few (sweeps), otherwise at "nice" steps.
        var distinct = series.SelectMany(s => s.X).Distinct().Order().ToList();
        if (distinct.Count <= 12)
        {
            return distinct.Select(x => (x, Label(x))).ToList();
        }

        if (log)
        {
            var ticks = new List<(double, string)>();
            for (double p = Math.Pow(10, Math.Floor(Math.Log10(min))); p <= max * 1.0001; p *= 10)
            {
                if (p >= min * 0.9999)
                {
                    ticks.Add((p, Label(p)));
                }
            }

            return ticks;
        }

        return NiceTicks(min, max).Select(t => (t, Label(t))).ToList();
    }

    internal static IReadOnlyList<double> NiceTicks(double min, double max)
    {
        if (max <= min)
        {
            return [min];
        }

        double raw = (max - min) / 5;
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = (raw / mag) switch { < 1.5 => mag, < 3 => 2 * mag, < 7 => 5 * mag, _ => 10 * mag };
        var ticks = new List<double>();
        for (double t = Math.Ceiling(min / step) * step; t <= max + (step * 1e-9); t += step)
        {
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        }

        return ticks;
    }

    private static (double Min, double Max) YRange(IReadOnlyList<ChartSeries> series, ChartOptions options)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var s in series)
        {
            foreach (double y in s.Y)
            {
                CheckFinite(y, s.Name, "y");
                min = Math.Min(min, y);
                max = Math.Max(max, y);
            }
        }

        if (min >= 0 && options.YMin is null)
        {
            min = 0;
        }

        min = options.YMin ?? min;
        max = options.YMax ?? max;
        if (!(max > min))
        {
            max = min + 1;
        }

        return (min, max);
    }

    private static void CheckLayout(ChartOptions options)
    {
        if (options.Width < 200 || options.Height < 150)
        {
            throw new ArgumentException($"Chart size {options.Width}×{options.Height} is too small; it needs at least 200×150.", nameof(options));
        }

        if (options.YMin is double a && options.YMax is double b && !(b > a))
        {
            throw new ArgumentException($"YMax ({b}) must be greater than YMin ({a}).", nameof(options));
        }
    }

    private static void CheckFinite(double v, string series, string axis)
    {
        if (!double.IsFinite(v))
        {
            throw new ArgumentException($"Series '{series}' has a non-finite {axis} value ({v.ToString(CultureInfo.InvariantCulture)}).", nameof(series));
        }
    }

    private static StringBuilder Begin(ChartOptions o)
    {
        var sb = new StringBuilder();
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(o.Width).Append("\" height=\"").Append(o.Height)
            .Append("\" viewBox=\"0 0 ").Append(o.Width).Append(' ').Append(o.Height)
            .Append("\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        if (o.Title.Length > 0)
        {
            sb.Append("<text x=\"").Append(Num(Left + ((o.Width - Left - Right) / 2.0))).Append("\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">")
                .Append(Esc(o.Title)).Append("</text>\n");
        }

        sb.Append("<text x=\"").Append(Num(Left + ((o.Width - Left - Right) / 2.0))).Append("\" y=\"").Append(o.Height - 12)
            .Append("\" text-anchor=\"middle\">").Append(Esc(o.XLabel)).Append("</text>\n");
        double cy = Top + ((o.Height - Top - Bottom) / 2.0);
        sb.Append("<text x=\"16\" y=\"").Append(Num(cy)).Append("\" text-anchor=\"middle\" transform=\"rotate(-90 16 ").Append(Num(cy)).Append(")\">")
            .Append(Esc(o.YLabel)).Append("</text>\n");
        return sb;
    }

    private static string End(StringBuilder sb) => sb.Append("</svg>\n").ToString();

    private static void Legend(StringBuilder sb, ChartOptions o, int index, string name, string color, string dash, bool line)
    {
        double x = o.Width - Right + 12, y = Top + 8 + (index * 16);
        if (line)
        {
            sb.Append("<line x1=\"").Append(Num(x)).Append("\" y1=\"").Append(Num(y)).Append("\" x2=\"").Append(Num(x + 22)).Append("\" y2=\"").Append(Num(y))
                .Append("\" stroke=\"").Append(color).Append("\" stroke-width=\"2\"");
            if (dash.Length > 0)
            {
                sb.Append(" stroke-dasharray=\"").Append(dash).Append('"');
            }

            sb.Append("/>\n");
        }
        else
        {
            sb.Append("<rect x=\"").Append(Num(x + 6)).Append("\" y=\"").Append(Num(y - 5)).Append("\" width=\"10\" height=\"10\" fill=\"").Append(color).Append("\"/>\n");
        }

        sb.Append("<text class=\"legend\" x=\"").Append(Num(x + 28)).Append("\" y=\"").Append(Num(y + 4)).Append("\">").Append(Esc(name)).Append("</text>\n");
    }

    private static string Label(double v) => Math.Abs(v) >= 1e5 || (v != 0 && Math.Abs(v) < 1e-3)
        ? v.ToString("0.##E0", CultureInfo.InvariantCulture)
        : v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Esc(string text) => SecurityElement.Escape(text) ?? "";

    /// <summary>Maps data coordinates to pixels inside the plot frame.</summary>
    private sealed class Plot(ChartOptions o, double xMin, double xMax, double yMin, double yMax)
    {
        private readonly double _x0 = Left, _x1 = o.Width - Right, _y0 = o.Height - Bottom, _y1 = Top;
        private readonly double _lxMin = o.LogX ? Math.Log10(xMin) : xMin;
        private readonly double _lxMax = o.LogX ? Math.Log10(xMax) : xMax;

        public double Px(double x)
        {
            double v = o.LogX ? Math.Log10(x) : x;
            double span = _lxMax - _lxMin;
            return span <= 0 ? (_x0 + _x1) / 2 : _x0 + ((v - _lxMin) / span * (_x1 - _x0));
        }

        public double Py(double y) => _y0 - ((Math.Clamp(y, yMin, yMax) - yMin) / (yMax - yMin) * (_y0 - _y1));

        public void Axes(StringBuilder sb, IReadOnlyList<(double Value, string Label)> xTicks)
        {
            sb.Append("<g class=\"axes\" stroke=\"#333\">\n<line x1=\"").Append(Num(_x0)).Append("\" y1=\"").Append(Num(_y0)).Append("\" x2=\"").Append(Num(_x1))
                .Append("\" y2=\"").Append(Num(_y0)).Append("\"/>\n<line x1=\"").Append(Num(_x0)).Append("\" y1=\"").Append(Num(_y0)).Append("\" x2=\"")
                .Append(Num(_x0)).Append("\" y2=\"").Append(Num(_y1)).Append("\"/>\n</g>\n");
            foreach (double t in NiceTicks(yMin, yMax))
            {
                double y = Py(t);
                sb.Append("<line x1=\"").Append(Num(_x0)).Append("\" y1=\"").Append(Num(y)).Append("\" x2=\"").Append(Num(_x1)).Append("\" y2=\"").Append(Num(y))
                    .Append("\" stroke=\"#ddd\"/>\n<text x=\"").Append(Num(_x0 - 6)).Append("\" y=\"").Append(Num(y + 4)).Append("\" text-anchor=\"end\">")
                    .Append(Esc(Label(t))).Append("</text>\n");
            }

            foreach (var (value, label) in xTicks)
            {
                double x = Px(value);
                sb.Append("<line x1=\"").Append(Num(x)).Append("\" y1=\"").Append(Num(_y0)).Append("\" x2=\"").Append(Num(x)).Append("\" y2=\"").Append(Num(_y0 + 5))
                    .Append("\" stroke=\"#333\"/>\n<text class=\"xtick\" x=\"").Append(Num(x)).Append("\" y=\"").Append(Num(_y0 + 18)).Append("\" text-anchor=\"middle\">")
                    .Append(Esc(label)).Append("</text>\n");
            }
        }
    }
}
