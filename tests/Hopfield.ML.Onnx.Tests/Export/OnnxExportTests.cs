using Hopfield.ML.Onnx.Export;
using Hopfield.ML.Onnx.Runtime;

namespace Hopfield.ML.Onnx.Tests.Export;

public class OnnxExportTests
{
    private static (float[] Retrieved, float[] Attention) Reference(float[] x, int count, int dim, float[] q, int batch, float beta)
    {
        float[] retrieved = new float[batch * dim];
        float[] attention = new float[batch * count];
        for (int b = 0; b < batch; b++)
        {
            double[] s = new double[count];
            double max = double.NegativeInfinity;
            for (int i = 0; i < count; i++)
            {
                double dot = 0;
                for (int k = 0; k < dim; k++)
                {
                    dot += (double)q[(b * dim) + k] * x[(i * dim) + k];
                }

                s[i] = beta * dot;
                max = Math.Max(max, s[i]);
            }

            double sum = 0;
            for (int i = 0; i < count; i++)
            {
                s[i] = Math.Exp(s[i] - max);
                sum += s[i];
            }

            for (int i = 0; i < count; i++)
            {
                double p = s[i] / sum;
                attention[(b * count) + i] = (float)p;
                for (int k = 0; k < dim; k++)
                {
                    retrieved[(b * dim) + k] += (float)(p * x[(i * dim) + k]);
                }
            }
        }

        return (retrieved, attention);
    }

    [Theory]
    [InlineData(1, 1, 1, 1f)]
    [InlineData(7, 5, 3, 0.5f)]
    [InlineData(33, 17, 9, 4f)]
    [InlineData(100, 64, 5, 20f)]
    public void ModernHopfield_MatchesReference(int count, int dim, int batch, float beta)
    {
        float[] x = TestModels.Random(count * dim, seed: count + dim);
        float[] q = TestModels.Random(batch * dim, seed: 7 * batch);
        byte[] model = OnnxExport.ModernHopfield(x, count, dim, beta);

        using var session = OnnxSession.FromBytes(model);
        Assert.Equal(OnnxExport.QueryInputName, Assert.Single(session.Inputs).Name);
        Assert.Equal([-1L, dim], session.Inputs[0].Shape);
        Assert.Equal([OnnxExport.RetrievedOutputName, OnnxExport.AttentionOutputName], session.Outputs.Select(o => o.Name));

        var outputs = session.Run(new Dictionary<string, OnnxTensor> { [OnnxExport.QueryInputName] = new(q, batch, dim) });
        var (retrieved, attention) = Reference(x, count, dim, q, batch, beta);
        Assert.Equal([(long)batch, dim], outputs[OnnxExport.RetrievedOutputName].Shape);
        Assert.Equal([(long)batch, count], outputs[OnnxExport.AttentionOutputName].Shape);
        TestModels.AssertClose(retrieved, outputs[OnnxExport.RetrievedOutputName].Span, 1e-4f);
        TestModels.AssertClose(attention, outputs[OnnxExport.AttentionOutputName].Span, 1e-4f);
    }

    [Fact]
    public void ModernHopfield_LargeBeta_RetrievesStoredPattern()
    {
        const int count = 10, dim = 32;
        float[] x = TestModels.Random(count * dim, seed: 3);
        float[] q = x.AsSpan(4 * dim, dim).ToArray();
        q[0] += 0.3f; // a slightly corrupted copy of pattern 4
        using var session = OnnxSession.FromBytes(OnnxExport.ModernHopfield(x, count, dim, beta: 50f));
        var y = session.Run(new OnnxTensor(q, 1, dim));
        TestModels.AssertClose(x.AsSpan(4 * dim, dim), y.Span, 1e-3f);
    }

    [Fact]
    public void ModernHopfield_ValidatesArguments()
    {
        Assert.Throws<ArgumentNullException>(() => OnnxExport.ModernHopfield(null!, 1, 1, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExport.ModernHopfield([1f], 0, 1, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExport.ModernHopfield([1f], 1, 1, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExport.ModernHopfield([1f], 1, 1, float.NaN));
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.ModernHopfield([1f, 2f, 3f], 2, 2, 1f));
        Assert.Contains("2 × 2", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => OnnxExport.ModernHopfield([1f, float.PositiveInfinity], 1, 2, 1f));
        Assert.Contains("patterns[1]", e.Message, StringComparison.Ordinal);
    }
}
