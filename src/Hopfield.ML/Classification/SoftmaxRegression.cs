using System.Globalization;
using System.Numerics.Tensors;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Classification;

/// <summary>
/// Trains multinomial logistic (softmax) regression with L2 regularisation by full-batch L-BFGS with an Armijo
/// backtracking line search, and early stopping on a seeded held-out fraction of the training rows
/// (ML.NET's <c>LbfgsMaximumEntropy</c>). Deterministic for a given seed, whatever the thread count.
/// </summary>
public sealed class SoftmaxRegressionTrainer : IEstimator<MulticlassPredictionTransformer>
{
    private const int ChunkRows = 1024;
    private readonly Options _options;
    private readonly int _seed;

    internal SoftmaxRegressionTrainer(HopfieldContext context, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _seed = options.Seed ?? context.NextSeed();
    }

    /// <summary>A copy of the trainer's options.</summary>
    public Options TrainerOptions => _options.Clone();

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.RequireFloats(_options.FeatureColumnName);
        var label = inputSchema.RequireKind(_options.LabelColumnName, ColumnKind.Key);
        return MulticlassPredictionTransformer.OutputSchema(inputSchema, _options.ScoreColumnName, _options.PredictedLabelColumnName, label.KeyCount);
    }

    /// <inheritdoc />
    public MulticlassPredictionTransformer Fit(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var featureColumn = input.GetColumn(_options.FeatureColumnName);
        var labelColumn = input.GetColumn(_options.LabelColumnName);
        int n = input.RowCount;
        if (n == 0)
        {
            throw new ArgumentException("Cannot train on an empty data set.", nameof(input));
        }

        int d = featureColumn.VectorSize;
        int k = Math.Max(labelColumn.Schema.KeyCount, 1);
        float[] x = featureColumn.FloatArray;
        foreach (float v in x)
        {
            if (!float.IsFinite(v))
            {
                throw new ArgumentException($"Column '{_options.FeatureColumnName}' holds a non-finite value ({v}).", nameof(input));
            }
        }

        int[] y = labelColumn.GetKeys().ToArray();
        var order = Enumerable.Range(0, n).ToArray();
        int validationCount = (int)Math.Floor(n * _options.ValidationFraction);
        if (validationCount > 0 && n - validationCount >= 1)
        {
            new Random(_seed).Shuffle(order);
        }
        else
        {
            validationCount = 0;
        }

        int[] trainRows = order[validationCount..];
        int[] validationRows = order[..validationCount];
        Array.Sort(trainRows);
        Array.Sort(validationRows);

        var problem = new Problem(x, y, d, k, _options.L2Regularization);
        var trainLoss = new List<float>();
        var validationLoss = new List<float>();
        float[] theta = Optimise(problem, trainRows, validationRows, trainLoss, validationLoss);
        return new MulticlassPredictionTransformer(
            _options.FeatureColumnName, _options.ScoreColumnName, _options.PredictedLabelColumnName, k, d,
            theta.AsSpan(0, k * d).ToArray(), theta.AsSpan(k * d, k).ToArray(), [.. trainLoss], [.. validationLoss]);
    }

    private float[] Optimise(Problem p, int[] trainRows, int[] validationRows, List<float> trainLoss, List<float> validationLoss)
    {
        int size = p.ParameterCount;
        int m = _options.HistorySize;
        var theta = new float[size];
        var g = new float[size];
        double f = p.Objective(theta, trainRows, g);
        trainLoss.Add((float)f);
        var best = (float[])theta.Clone();
        double bestValidation = double.PositiveInfinity;
        if (validationRows.Length > 0)
        {
            bestValidation = p.DataLoss(theta, validationRows);
            validationLoss.Add((float)bestValidation);
        }

        var s = new List<float[]>();
        var yv = new List<float[]>();
        var rho = new List<float>();
        var dir = new float[size];
        var newTheta = new float[size];
        var newG = new float[size];
        var alpha = new float[m];
        int sinceBest = 0;
        for (int iter = 0; iter < _options.MaxIterations; iter++)
        {
            // Two-loop recursion: dir = -H g.
            g.CopyTo(dir, 0);
            for (int i = s.Count - 1; i >= 0; i--)
            {
                alpha[i] = rho[i] * TensorPrimitives.Dot(s[i], dir);
                TensorPrimitives.MultiplyAdd(yv[i], -alpha[i], dir, dir);
            }

            float gamma = s.Count > 0 ? TensorPrimitives.Dot(s[^1], yv[^1]) / TensorPrimitives.Dot(yv[^1], yv[^1]) : 1f / Math.Max(TensorPrimitives.Norm(g), 1e-12f);
            TensorPrimitives.Multiply(dir, gamma, dir);
            for (int i = 0; i < s.Count; i++)
            {
                float beta = rho[i] * TensorPrimitives.Dot(yv[i], dir);
                TensorPrimitives.MultiplyAdd(s[i], alpha[i] - beta, dir, dir);
            }

            TensorPrimitives.Negate(dir, dir);
            double gd = TensorPrimitives.Dot(g, dir);
            if (!(gd < 0))
            {
                s.Clear();
                yv.Clear();
                rho.Clear();
                TensorPrimitives.Multiply(g, -1f / Math.Max(TensorPrimitives.Norm(g), 1e-12f), dir);
                gd = TensorPrimitives.Dot(g, dir);
            }

            float step = 1f;
            double newF = double.NaN;
            bool accepted = false;
            for (int ls = 0; ls < 40; ls++)
            {
                TensorPrimitives.MultiplyAdd(dir, step, theta, newTheta);
                newF = p.Objective(newTheta, trainRows, newG);
                if (newF <= f + (1e-4 * step * gd))
                {
                    accepted = true;
                    break;
                }

                step *= 0.5f;
            }

            if (!accepted)
            {
                break;
            }

            var sNew = new float[size];
            var yNew = new float[size];
            TensorPrimitives.Subtract(newTheta, theta, sNew);
            TensorPrimitives.Subtract(newG, g, yNew);
            float sy = TensorPrimitives.Dot(sNew, yNew);
            if (sy > 1e-10f)
            {
                if (s.Count == m)
                {
                    s.RemoveAt(0);
                    yv.RemoveAt(0);
                    rho.RemoveAt(0);
                }

                s.Add(sNew);
                yv.Add(yNew);
                rho.Add(1f / sy);
            }

            double relative = (f - newF) / Math.Max(Math.Abs(f), 1e-12);
            (theta, newTheta) = (newTheta, theta);
            (g, newG) = (newG, g);
            f = newF;
            trainLoss.Add((float)f);

            if (validationRows.Length > 0)
            {
                double v = p.DataLoss(theta, validationRows);
                validationLoss.Add((float)v);
                if (v < bestValidation)
                {
                    bestValidation = v;
                    theta.CopyTo(best, 0);
                    sinceBest = 0;
                }
                else if (++sinceBest >= _options.EarlyStoppingPatience)
                {
                    break;
                }
            }

            if (relative < _options.Tolerance || TensorPrimitives.Norm(g) < 1e-6f)
            {
                break;
            }
        }

        return validationRows.Length > 0 ? best : theta;
    }

    /// <summary>Options of <see cref="SoftmaxRegressionTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>The key column with the classes. Default <c>Label</c>.</summary>
        public string LabelColumnName { get; set; } = Defaults.LabelColumnName;

        /// <summary>The float vector column with the features. Default <c>Features</c>.</summary>
        public string FeatureColumnName { get; set; } = Defaults.FeatureColumnName;

        /// <summary>The output column of class probabilities. Default <c>Score</c>.</summary>
        public string ScoreColumnName { get; set; } = Defaults.ScoreColumnName;

        /// <summary>The output key column of the predicted class. Default <c>PredictedLabel</c>.</summary>
        public string PredictedLabelColumnName { get; set; } = Defaults.PredictedLabelColumnName;

        /// <summary>The L2 penalty λ in <c>mean loss + λ/2 ‖W‖²</c> (bias not penalised). Default 1e-4.</summary>
        public float L2Regularization { get; set; } = Defaults.L2Regularization;

        /// <summary>The most L-BFGS iterations. Default 200.</summary>
        public int MaxIterations { get; set; } = Defaults.MaxIterations;

        /// <summary>The L-BFGS memory (pairs kept). Default 10.</summary>
        public int HistorySize { get; set; } = Defaults.HistorySize;

        /// <summary>The fraction of rows held out to choose the best iterate and stop early; 0 disables. Default 0.1.</summary>
        public double ValidationFraction { get; set; } = Defaults.ValidationFraction;

        /// <summary>Stop after this many iterations without a better validation loss. Default 10.</summary>
        public int EarlyStoppingPatience { get; set; } = Defaults.EarlyStoppingPatience;

        /// <summary>Stop when the relative decrease of the objective falls below this. Default 1e-7.</summary>
        public double Tolerance { get; set; } = Defaults.Tolerance;

        /// <summary>The seed of the validation split; the context's next seed when <see langword="null"/>.</summary>
        public int? Seed { get; set; }

        internal Options Clone() => (Options)MemberwiseClone();

        internal void Validate()
        {
            ArgumentException.ThrowIfNullOrEmpty(LabelColumnName, nameof(LabelColumnName));
            ArgumentException.ThrowIfNullOrEmpty(FeatureColumnName, nameof(FeatureColumnName));
            ArgumentException.ThrowIfNullOrEmpty(ScoreColumnName, nameof(ScoreColumnName));
            ArgumentException.ThrowIfNullOrEmpty(PredictedLabelColumnName, nameof(PredictedLabelColumnName));
            if (!(L2Regularization >= 0) || !float.IsFinite(L2Regularization))
            {
                throw new ArgumentOutOfRangeException(nameof(L2Regularization), L2Regularization, "Must be finite and ≥ 0.");
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
            ArgumentOutOfRangeException.ThrowIfLessThan(HistorySize, 1, nameof(HistorySize));
            ArgumentOutOfRangeException.ThrowIfLessThan(EarlyStoppingPatience, 1, nameof(EarlyStoppingPatience));
            if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "Must lie in [0, 1).");
            }

            if (!(Tolerance >= 0))
            {
                throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "Must be ≥ 0.");
            }
        }
    }

    /// <summary>Default option values.</summary>
    public static class Defaults
    {
        /// <summary>Default label column.</summary>
        public const string LabelColumnName = "Label";

        /// <summary>Default feature column.</summary>
        public const string FeatureColumnName = "Features";

        /// <summary>Default score column.</summary>
        public const string ScoreColumnName = "Score";

        /// <summary>Default predicted-label column.</summary>
        public const string PredictedLabelColumnName = "PredictedLabel";

        /// <summary>Default L2 penalty.</summary>
        public const float L2Regularization = 1e-4f;

        /// <summary>Default iteration limit.</summary>
        public const int MaxIterations = 200;

        /// <summary>Default L-BFGS memory.</summary>
        public const int HistorySize = 10;

        /// <summary>Default validation fraction.</summary>
        public const double ValidationFraction = 0.1;

        /// <summary>Default early-stopping patience.</summary>
        public const int EarlyStoppingPatience = 10;

        /// <summary>Default relative tolerance.</summary>
        public const double Tolerance = 1e-7;
    }

    /// <summary>The objective over the parameters θ = [W (k × d, row-major), b (k)].</summary>
    internal sealed class Problem(float[] x, int[] y, int d, int k, float l2)
    {
        public int ParameterCount => (k * d) + k;

        /// <summary>Mean cross-entropy over <paramref name="rows"/> plus λ/2 ‖W‖²; writes the gradient.</summary>
        public double Objective(float[] theta, int[] rows, float[] grad)
        {
            int chunks = (rows.Length + ChunkRows - 1) / ChunkRows;
            var losses = new double[chunks];
            var grads = new float[chunks][];
            Parallel.For(0, chunks, ch =>
            {
                var gch = new float[ParameterCount];
                var probs = new float[k];
                double loss = 0;
                int end = Math.Min(rows.Length, (ch + 1) * ChunkRows);
                for (int r = ch * ChunkRows; r < end; r++)
                {
                    int row = rows[r];
                    var xi = x.AsSpan(row * d, d);
                    loss -= MulticlassPredictionTransformer.Probabilities(xi, theta.AsSpan(0, k * d), theta.AsSpan(k * d, k), probs, y[row]);
                    probs[y[row]] -= 1f;
                    for (int c = 0; c < k; c++)
                    {
                        TensorPrimitives.MultiplyAdd(xi, probs[c], gch.AsSpan(c * d, d), gch.AsSpan(c * d, d));
                        gch[(k * d) + c] += probs[c];
                    }
                }

                losses[ch] = loss;
                grads[ch] = gch;
            });

            Array.Clear(grad);
            double total = 0;
            for (int ch = 0; ch < chunks; ch++)
            {
                total += losses[ch];
                TensorPrimitives.Add(grad, grads[ch], grad);
            }

            float inv = 1f / rows.Length;
            TensorPrimitives.Multiply(grad, inv, grad);
            var w = theta.AsSpan(0, k * d);
            TensorPrimitives.MultiplyAdd(w, l2, grad.AsSpan(0, k * d), grad.AsSpan(0, k * d));
            float sq = TensorPrimitives.SumOfSquares(w);
            return (total / rows.Length) + (0.5 * l2 * sq);
        }

        /// <summary>Mean cross-entropy over <paramref name="rows"/> (no penalty).</summary>
        public double DataLoss(float[] theta, int[] rows)
        {
            var probs = new float[k];
            double loss = 0;
            foreach (int row in rows)
            {
                loss -= MulticlassPredictionTransformer.Probabilities(x.AsSpan(row * d, d), theta.AsSpan(0, k * d), theta.AsSpan(k * d, k), probs, y[row]);
            }

            return loss / rows.Length;
        }
    }
}

/// <summary>
/// A fitted linear multiclass classifier: <c>Score = softmax(W x + b)</c> (class probabilities) and
/// <c>PredictedLabel = argmax Score</c> (ML.NET's <c>MulticlassPredictionTransformer</c>). Immutable and thread-safe.
/// </summary>
[PipelineStage("MulticlassLinear")]
public sealed class MulticlassPredictionTransformer : ITransformer, ILoadableStage<MulticlassPredictionTransformer>
{
    private readonly float[] _weights;
    private readonly float[] _bias;
    private readonly float[] _trainLoss;
    private readonly float[] _validationLoss;

    internal MulticlassPredictionTransformer(string featureColumnName, string scoreColumnName, string predictedLabelColumnName, int classCount, int featureCount,
        float[] weights, float[] bias, float[] trainLoss, float[] validationLoss)
    {
        FeatureColumnName = featureColumnName;
        ScoreColumnName = scoreColumnName;
        PredictedLabelColumnName = predictedLabelColumnName;
        ClassCount = classCount;
        FeatureCount = featureCount;
        _weights = weights;
        _bias = bias;
        _trainLoss = trainLoss;
        _validationLoss = validationLoss;
    }

    /// <summary>The feature column read.</summary>
    public string FeatureColumnName { get; }

    /// <summary>The probability column written.</summary>
    public string ScoreColumnName { get; }

    /// <summary>The predicted-class column written.</summary>
    public string PredictedLabelColumnName { get; }

    /// <summary>The number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The feature vector size.</summary>
    public int FeatureCount { get; }

    /// <summary>Row-major <c>ClassCount × FeatureCount</c> weights.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>The per-class bias.</summary>
    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>The training objective after each iteration (first entry: before training).</summary>
    public IReadOnlyList<float> TrainingLoss => _trainLoss;

    /// <summary>The held-out log-loss after each iteration (empty without validation).</summary>
    public IReadOnlyList<float> ValidationLoss => _validationLoss;

    /// <inheritdoc cref="ILoadableStage{TSelf}.Load"/>
    public static MulticlassPredictionTransformer Load(ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int k = context.GetInt32("classCount");
        int d = context.GetInt32("featureCount");
        if (k < 1 || d < 1)
        {
            throw context.Error(string.Create(CultureInfo.InvariantCulture, $"invalid classCount {k} or featureCount {d}"));
        }

        return new MulticlassPredictionTransformer(
            context.GetString("featureColumnName"), context.GetString("scoreColumnName"), context.GetString("predictedLabelColumnName"), k, d,
            context.GetTensor("weights", k, d), context.GetTensor("bias", k), context.GetTensor("trainingLoss"), context.GetTensor("validationLoss"));
    }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.RequireFloats(FeatureColumnName, FeatureCount);
        return OutputSchema(inputSchema, ScoreColumnName, PredictedLabelColumnName, ClassCount);
    }

    /// <inheritdoc />
    public DataSet Transform(DataSet input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var features = input.GetColumn(FeatureColumnName).FloatArray;
        int n = input.RowCount, k = ClassCount, d = FeatureCount;
        var scores = new float[(long)n * k];
        var predicted = new int[n];
        const int chunk = 256;
        int chunks = (n + chunk - 1) / chunk;
        if (chunks <= 1)
        {
            ScoreRows(0);
        }
        else
        {
            Parallel.For(0, chunks, ScoreRows);
        }

        return input.WithColumn(DataColumn.CreateVector(ScoreColumnName, scores, k))
            .WithColumn(DataColumn.CreateKey(PredictedLabelColumnName, predicted, k));

        void ScoreRows(int ch)
        {
            int end = Math.Min(n, (ch + 1) * chunk);
            for (int r = ch * chunk; r < end; r++)
            {
                var p = scores.AsSpan(r * k, k);
                Probabilities(features.AsSpan(r * d, d), _weights, _bias, p, 0);
                predicted[r] = TensorPrimitives.IndexOfMax(p);
            }
        }
    }

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetParameter("featureColumnName", FeatureColumnName);
        context.SetParameter("scoreColumnName", ScoreColumnName);
        context.SetParameter("predictedLabelColumnName", PredictedLabelColumnName);
        context.SetParameter("classCount", ClassCount);
        context.SetParameter("featureCount", FeatureCount);
        context.AddTensor("weights", _weights, ClassCount, FeatureCount);
        context.AddTensor("bias", _bias, ClassCount);
        context.AddTensor("trainingLoss", _trainLoss);
        context.AddTensor("validationLoss", _validationLoss);
    }

    internal static DataSchema OutputSchema(DataSchema input, string score, string predicted, int classCount) =>
        input.With(new SchemaColumn(score, ColumnKind.Vector, classCount))
             .With(new SchemaColumn(predicted, ColumnKind.Key, 1, classCount));

    /// <summary>Writes softmax(W x + b) into <paramref name="probs"/> (numerically stable) and returns ln p[<paramref name="target"/>].</summary>
    internal static double Probabilities(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> probs, int target)
    {
        int k = probs.Length, d = x.Length;
        for (int c = 0; c < k; c++)
        {
            probs[c] = TensorPrimitives.Dot(w.Slice(c * d, d), x) + b[c];
        }

        float max = TensorPrimitives.Max(probs);
        TensorPrimitives.Subtract(probs, max, probs);
        double logTarget = probs[target];
        TensorPrimitives.Exp(probs, probs);
        float sum = TensorPrimitives.Sum(probs);
        TensorPrimitives.Divide(probs, sum, probs);
        return logTarget - Math.Log(sum);
    }
}
