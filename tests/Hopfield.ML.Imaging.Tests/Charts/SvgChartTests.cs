using System.Globalization;
using System.Xml.Linq;
using Hopfield.ML.Imaging.Charts;

namespace Hopfield.ML.Imaging.Tests.Charts;

public sealed class SvgChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static List<(double X, double Y)> Points(XElement polyline) => polyline.Attribute("points")!.Value
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split(','))
        .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
        .ToList();

    [Fact]
    public void LineChartIsWellFormedWithOnePolylinePerSeriesAndEscapedLegend()
    {
        var svg = SvgChart.Line(
            [new ChartSeries("dot <&> max", [10, 100, 1000], [1, 0.5, 0]), new ChartSeries("manhattan", [10, 100, 1000], [1, 1, 0.9])],
            new ChartOptions { Title = "capacity", LogX = true, YMin = 0, YMax = 1 });

        var doc = XDocument.Parse(svg);
        var lines = doc.Descendants(Svg + "polyline").ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "dot <&> max");
        Assert.Equal(3, Points(lines[0]).Count);
    }

    [Fact]
    public void LogAxisSpacesDecadesEquallyAndHigherValuesAreDrawnHigher()
    {
        var svg = SvgChart.Line([new ChartSeries("s", [1, 10, 100], [0, 0.5, 1])], new ChartOptions { LogX = true });
        var p = Points(XDocument.Parse(svg).Descendants(Svg + "polyline").Single());
        Assert.Equal(p[1].X - p[0].X, p[2].X - p[1].X, 1);
        Assert.True(p[0].Y > p[1].Y && p[1].Y > p[2].Y, "SVG y grows downwards: larger values must have smaller y");
    }

    [Fact]
    public void LinearAxisPlacesPointsProportionally()
    {
        var svg = SvgChart.Line([new ChartSeries("s", [0, 1, 4], [2, 2, 2])]);
        var p = Points(XDocument.Parse(svg).Descendants(Svg + "polyline").Single());
        Assert.Equal(4 * (p[1].X - p[0].X), p[2].X - p[0].X, 1);
    }

    [Fact]
    public void BarChartDrawsOneBarPerSeriesAndCategoryWithHeightsInProportion()
    {
        var svg = SvgChart.Bar(["aes", "sha8"], [ChartSeries.Bars("memory", [1, 0.5]), ChartSeries.Bars("chance", [0.25, 0.25])]);
        var bars = XDocument.Parse(svg).Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "bar").ToList();
        Assert.Equal(4, bars.Count);
        double H(XElement r) => double.Parse(r.Attribute("height")!.Value, CultureInfo.InvariantCulture);
        Assert.Equal(2 * H(bars[1]), H(bars[0]), 0);
        Assert.Equal(4 * H(bars[2]), H(bars[0]), 0);
    }

    [Fact]
    public void BadInputIsRejectedWithTheSeriesName()
    {
        var ex = Assert.Throws<ArgumentException>(() => SvgChart.Line([new ChartSeries("broken", [1, 2], [1])]));
        Assert.Contains("broken", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SvgChart.Line([new ChartSeries("nan", [1], [double.NaN])]));
        Assert.Throws<ArgumentException>(() => SvgChart.Line([new ChartSeries("zero", [0, 1], [1, 1])], new ChartOptions { LogX = true }));
        Assert.Throws<ArgumentException>(() => SvgChart.Line([]));
        Assert.Throws<ArgumentException>(() => SvgChart.Bar(["a", "b"], [ChartSeries.Bars("short", [1])]));
        Assert.Throws<ArgumentException>(() => SvgChart.Line([new ChartSeries("s", [1], [1])], new ChartOptions { Width = 10 }));
    }

    [Fact]
    public void NiceTicksCoverTheRangeWithRoundSteps()
    {
        var ticks = SvgChart.NiceTicks(0, 1);
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1.0], ticks.Select(t => Math.Round(t, 9)));
    }
}
