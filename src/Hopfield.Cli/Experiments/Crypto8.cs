using System.Security.Cryptography;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.Cli.Experiments;

/// <summary>Accuracies of one model on one byte function and train fraction, averaged over repeats.</summary>
internal sealed record Crypto8Row(string Function, double TrainFraction, string Model, double StoredAccuracy, double HeldOutAccuracy, double HeldOutBitAccuracy);

/// <summary>Settings of <see cref="Crypto8.Run"/>.</summary>
internal sealed record Crypto8Settings
{
    public string[] Functions { get; init; } = ["aes", "sha8", "xor"];

    public double[] Fractions { get; init; } = [0.5, 0.75];

    public int Repeats { get; init; } = 3;

    public float Beta { get; init; } = 10f;

    public int Hidden { get; init; } = 32;

    public int Epochs { get; init; } = 600;

    public int Seed { get; init; } = 1;
}

/// <summary>
/// Can an associative memory "learn" a byte-to-byte function from part of its table? 8-bit ±1 encodings of the
/// inputs and outputs of the AES S-box, SHA-256 truncated to its first byte, and a structured control
/// (x XOR 0x5A); a hetero-associative memory and two learned classifiers are trained on a random part of the
/// table and tested on the stored and the held-out inputs.
/// </summary>
internal static class Crypto8
{
    private static readonly Lazy<byte[]> AesTable = new(BuildAesSbox);

    public static byte[] AesSbox => AesTable.Value;

    public static byte Apply(string function, int x) => function switch
    {
        "aes" => AesSbox[x],
        "sha8" => SHA256.HashData([(byte)x])[0],
        "xor" => (byte)(x ^ 0x5A),
        _ => throw new ArgumentException($"--functions: unknown function '{function}' (expected aes, sha8 or xor).", nameof(function)),
    };

    /// <summary>The AES S-box from its definition: multiplicative inverse in GF(2⁸) followed by the affine map (FIPS-197 §5.1.1).</summary>
    private static byte[] BuildAesSbox()
    {
        var sbox = new byte[256];
        int p = 1, q = 1;
        do
        {
            p = (p ^ (p << 1) ^ ((p & 0x80) != 0 ? 0x1B : 0)) & 0xFF; // p · 3
            q ^= q << 1;
            q ^= q << 2;
            q ^= q << 4;
            q &= 0xFF;
            if ((q & 0x80) != 0)
            {
                q ^= 0x09; // q / 3
            }

            int x = q ^ Rotl(q, 1) ^ Rotl(q, 2) ^ Rotl(q, 3) ^ Rotl(q, 4);
            sbox[p] = (byte)(x ^ 0x63);
        }
        while (p != 1);
        sbox[0] = 0x63;
        return sbox;
    }

    private static int Rotl(int v, int s) => ((v << s) | (v >> (8 - s))) & 0xFF;

    public static float[] Bits(int value)
    {
        var b = new float[8];
        for (int i = 0; i < 8; i++)
        {
            b[i] = ((value >> i) & 1) == 1 ? 1f : -1f;
        }

        return b;
    }

    public static int FromBits(ReadOnlySpan<float> bits)
    {
        int v = 0;
        for (int i = 0; i < 8; i++)
        {
            if (bits[i] > 0)
            {
                v |= 1 << i;
            }
        }

        return v;
    }

    public static List<Crypto8Row> Run(Crypto8Settings s, Action<double>? progress = null)
    {
        var rows = new List<Crypto8Row>();
        int total = s.Functions.Length * s.Fractions.Length * s.Repeats, done = 0;
        foreach (string f in s.Functions)
        {
            var table = Enumerable.Range(0, 256).Select(x => (int)Apply(f, x)).ToArray();
            foreach (double fraction in s.Fractions)
            {
                if (fraction <= 0 || fraction >= 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(s), fraction, "--fractions: each train fraction must be in (0, 1).");
                }

                var sums = new Dictionary<string, double[]>();
                for (int r = 0; r < s.Repeats; r++)
                {
                    var rng = new Random(unchecked((s.Seed * 7919) + r));
                    var perm = ExperimentKit.Permutation(256, rng);
                    int nTrain = (int)Math.Round(256 * fraction);
                    var train = perm.Take(nTrain).ToArray();
                    var test = perm.Skip(nTrain).ToArray();
                    Add(sums, "hopfield memory", Evaluate(MemoryPredictor(train, table, s.Beta), train, test, table));
                    Add(sums, "softmax regression", Evaluate(Classifier(train, table, hidden: 0, s.Epochs, rng), train, test, table));
                    Add(sums, $"MLP (8-{s.Hidden}-256)", Evaluate(Classifier(train, table, s.Hidden, s.Epochs, rng), train, test, table));
                    progress?.Invoke(++done / (double)total);
                }

                foreach (var (model, v) in sums)
                {
                    rows.Add(new Crypto8Row(f, fraction, model, v[0] / s.Repeats, v[1] / s.Repeats, v[2] / s.Repeats));
                }

                rows.Add(new Crypto8Row(f, fraction, "chance", 1 / 256.0, 1 / 256.0, 0.5));
            }
        }

        return rows;
    }

    private static void Add(Dictionary<string, double[]> sums, string model, double[] v)
    {
        if (!sums.TryGetValue(model, out var acc))
        {
            sums[model] = acc = new double[3];
        }

        for (int i = 0; i < 3; i++)
        {
            acc[i] += v[i];
        }
    }

    /// <summary>Stored accuracy, held-out accuracy, held-out bitwise accuracy.</summary>
    private static double[] Evaluate(Func<int, int> predict, int[] train, int[] test, int[] table)
    {
        double stored = train.Count(x => predict(x) == table[x]) / (double)train.Length;
        double held = test.Count(x => predict(x) == table[x]) / (double)test.Length;
        double bits = test.Sum(x => 8 - int.PopCount(predict(x) ^ table[x])) / (8.0 * test.Length);
        return [stored, held, bits];
    }

    /// <summary>Hetero-associative memory: key = 8 input bits, value = 8 output bits; the output is the sign of the retrieval.</summary>
    internal static Func<int, int> MemoryPredictor(int[] train, int[] table, float beta)
    {
        var memory = UniversalHopfieldMemory.FromRows(
            train.Select(Bits).ToArray(),
            train.Select(x => Bits(table[x])).ToArray(),
            new UniversalHopfieldOptions { Similarity = SimilarityFunction.Dot, Separation = SeparationFunction.Softmax, Beta = beta, Threads = 1 });
        return x => FromBits(memory.Retrieve(Bits(x)));
    }

    /// <summary>Softmax regression (hidden = 0) or a one-hidden-layer tanh MLP over 256 classes, full-batch Adam.</summary>
    internal static Func<int, int> Classifier(int[] train, int[] table, int hidden, int epochs, Random rng)
    {
        var net = new TinyNet(8, hidden, 256, rng);
        var xs = train.Select(Bits).ToArray();
        var ys = train.Select(x => table[x]).ToArray();
        net.Train(xs, ys, epochs, learningRate: 0.02f, l2: 1e-5f);
        return x => net.Predict(Bits(x));
    }
}

/// <summary>A dense network small enough to write by hand: [input → tanh hidden →] softmax output, Adam.</summary>
internal sealed class TinyNet
{
    private readonly int _in, _hidden, _out;
    private readonly float[][] _params; // W1, b1, W2, b2 (or W, b without a hidden layer)
    private readonly float[][] _m, _v;
    private int _step;

    public TinyNet(int inputs, int hidden, int outputs, Random rng)
    {
        _in = inputs;
        _hidden = hidden;
        _out = outputs;
        _params = hidden > 0
            ? [Init(inputs * hidden, inputs, rng), new float[hidden], Init(hidden * outputs, hidden, rng), new float[outputs]]
            : [Init(inputs * outputs, inputs, rng), new float[outputs]];
        _m = _params.Select(p => new float[p.Length]).ToArray();
        _v = _params.Select(p => new float[p.Length]).ToArray();
    }

    private static float[] Init(int n, int fanIn, Random rng)
    {
        var w = new float[n];
        double scale = Math.Sqrt(1.0 / fanIn);
        for (int i = 0; i < n; i++)
        {
            w[i] = (float)(ExperimentKit.Gaussian(rng) * scale);
        }

        return w;
    }

    public int Predict(float[] x)
    {
        var logits = Forward(x, new float[Math.Max(_hidden, 1)]);
        int best = 0;
        for (int k = 1; k < _out; k++)
        {
            if (logits[k] > logits[best])
            {
                best = k;
            }
        }

        return best;
    }

    public float[] Forward(float[] x, float[] h)
    {
        float[] input = x;
        int inDim = _in;
        float[] w = _params[0], b = _params[1];
        if (_hidden > 0)
        {
            for (int j = 0; j < _hidden; j++)
            {
                float s = b[j];
                for (int i = 0; i < _in; i++)
                {
                    s += w[(j * _in) + i] * x[i];
                }

                h[j] = MathF.Tanh(s);
            }

            input = h;
            inDim = _hidden;
            w = _params[2];
            b = _params[3];
        }

        var logits = new float[_out];
        for (int k = 0; k < _out; k++)
        {
            float s = b[k];
            int row = k * inDim;
            for (int i = 0; i < inDim; i++)
            {
                s += w[row + i] * input[i];
            }

            logits[k] = s;
        }

        return logits;
    }

    public void Train(float[][] xs, int[] ys, int epochs, float learningRate, float l2)
    {
        var grads = _params.Select(p => new float[p.Length]).ToArray();
        var h = new float[Math.Max(_hidden, 1)];
        var dh = new float[Math.Max(_hidden, 1)];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var g in grads)
            {
                Array.Clear(g);
            }

            for (int n = 0; n < xs.Length; n++)
            {
                var logits = Forward(xs[n], h);
                float max = logits.Max(), sum = 0;
                for (int k = 0; k < _out; k++)
                {
                    logits[k] = MathF.Exp(logits[k] - max);
                    sum += logits[k];
                }

                for (int k = 0; k < _out; k++)
                {
                    logits[k] = (logits[k] / sum) - (k == ys[n] ? 1f : 0f); // dLoss/dlogit
                }

                float[] input = _hidden > 0 ? h : xs[n];
                int inDim = _hidden > 0 ? _hidden : _in;
                int wi = _hidden > 0 ? 2 : 0;
                Array.Clear(dh);
                var w = _params[wi];
                for (int k = 0; k < _out; k++)
                {
                    float d = logits[k];
                    grads[wi + 1][k] += d;
                    int row = k * inDim;
                    for (int i = 0; i < inDim; i++)
                    {
                        grads[wi][row + i] += d * input[i];
                        if (_hidden > 0)
                        {
                            dh[i] += d * w[row + i];
                        }
                    }
                }

                if (_hidden > 0)
                {
                    for (int j = 0; j < _hidden; j++)
                    {
                        float d = dh[j] * (1 - (h[j] * h[j]));
                        grads[1][j] += d;
                        for (int i = 0; i < _in; i++)
                        {
                            grads[0][(j * _in) + i] += d * xs[n][i];
                        }
                    }
                }
            }

            Adam(grads, learningRate, l2, xs.Length);
        }
    }

    private void Adam(float[][] grads, float lr, float l2, int batch)
    {
        _step++;
        const float B1 = 0.9f, B2 = 0.999f, Eps = 1e-8f;
        float c1 = 1 - MathF.Pow(B1, _step), c2 = 1 - MathF.Pow(B2, _step);
        for (int p = 0; p < _params.Length; p++)
        {
            var w = _params[p];
            var g = grads[p];
            for (int i = 0; i < w.Length; i++)
            {
                float gi = (g[i] / batch) + (l2 * w[i]);
                _m[p][i] = (B1 * _m[p][i]) + ((1 - B1) * gi);
                _v[p][i] = (B2 * _v[p][i]) + ((1 - B2) * gi * gi);
                w[i] -= lr * (_m[p][i] / c1) / (MathF.Sqrt(_v[p][i] / c2) + Eps);
            }
        }
    }
}
