using System.Globalization;
using Hopfield.ML;
using Hopfield.ML.Imaging.Corruptions;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Imaging.Pipeline;
using Hopfield.ML.Memories.Universal;
using Hopfield.ML.Onnx.Pipeline;
using Hopfield.ML.Pipeline;

namespace Hopfield.Cli.Commands.Experiments;

/// <summary>The φ-space clean-up of <c>experiment denoise --space phi|both</c>: the fitted stages and the β values used.</summary>
/// <param name="Retrieve">SemanticRetrieve writing the retrieved training image (keys φ(training images), values their pixels).</param>
/// <param name="Vote">SemanticRetrieve writing the attention mass per class (a soft kNN vote in φ space) into <see cref="SemanticDenoise.VoteColumn"/>.</param>
/// <param name="Beta">β of <paramref name="Retrieve"/>.</param>
/// <param name="VoteBeta">β of <paramref name="Vote"/>.</param>
/// <param name="Tuned">Whether the β values were chosen on a held-out split of the training images.</param>
internal sealed record PhiCleanup(SemanticRetrieveTransformer Retrieve, SemanticRetrieveTransformer Vote, float Beta, float VoteBeta, bool Tuned);

/// <summary>Fits the φ-space stages and tunes their β on held-out training images (never on the test set).</summary>
internal static class SemanticDenoise
{
    public const string VoteColumn = "PhiVotes";

    /// <summary>The β values tried (dot product of L2-normalised 128-d embeddings, so similarities lie in [-1, 1]).</summary>
    public static readonly float[] BetaGrid = [4f, 8f, 16f, 32f, 64f, 128f];

    public static UniversalHopfieldOptions Options(float beta) => new() { Similarity = SimilarityFunction.Dot, Separation = SeparationFunction.Softmax, Beta = beta };

    public static PhiCleanup Fit(HopfieldContext ctx, DataSet trainSet, LabeledImages train, IReadOnlyList<CorruptionSpec> specs, DenoiseSettings s,
        Func<IEstimator<ITransformer>> classifier)
    {
        string encoder = s.Encoder ?? ModelFiles.Find("simclr_encoder.onnx");
        float beta = s.PhiBeta, voteBeta = s.VoteBeta;
        bool tuned = false;
        if (beta <= 0 || voteBeta <= 0)
        {
            var (b, v) = Tune(train, specs, s, encoder, classifier);
            beta = beta > 0 ? beta : b;
            voteBeta = voteBeta > 0 ? voteBeta : v;
            tuned = true;
        }

        var retrieve = ctx.Transforms.SemanticRetrieve("Features", "Features", encoder, Options(beta)).Fit(trainSet);
        var vote = ctx.Transforms.SemanticRetrieve(VoteColumn, "Features", encoder, Options(voteBeta), SemanticRetrieveOutput.ClassScores).Fit(trainSet);
        return new PhiCleanup(retrieve, vote, beta, voteBeta, tuned);
    }

    /// <summary>
    /// Chooses β for the retrieval and for the vote on a held-out fifth of the training images (per class), corrupted with the
    /// requested corruptions under other seeds than the test images: the β with the best mean corrupted accuracy (classifier
    /// confidence gate applied) among those whose clean accuracy is at most 1 point below the plain classifier's.
    /// </summary>
    private static (float Beta, float VoteBeta) Tune(LabeledImages train, IReadOnlyList<CorruptionSpec> specs, DenoiseSettings s, string encoder,
        Func<IEstimator<ITransformer>> classifier)
    {
        var (fit, held) = Split(train, 5);
        var ctx = new HopfieldContext(seed: s.Seed);
        var fitSet = ctx.Data.FromLabeledImages(fit);
        var plainModel = classifier().Fit(fitSet);
        int k = train.ClassNames.Count, d = train.Width * train.Height, n = fit.Count;

        // φ(fit images) once, through the library stage; then one memory per β over the same embeddings.
        var stage = ctx.Transforms.SemanticRetrieve("Features", "Features", encoder, Options(1f)).Fit(fitSet);
        var keys = new float[(long)n * stage.Memory.EmbeddingDimension];
        var pixels = new float[(long)n * d];
        var oneHot = new float[(long)n * k];
        for (int j = 0; j < n; j++)
        {
            stage.Memory.GetEmbedding(j).CopyTo(keys, j * stage.Memory.EmbeddingDimension);
            fit.Images[j].CopyTo(pixels, j * d);
            oneHot[(j * k) + fit.Labels[j]] = 1f;
        }

        // Held-out sets: clean first, then each corruption (seeds offset from the test run's).
        var sets = new List<(DataSet Data, float[] Queries, int[] Labels, DenoiseRunner.Predictions Plain)>();
        for (int i = -1; i < specs.Count; i++)
        {
            var images = i < 0 ? held.Images.ToArray() : specs[i].ApplyBatch(held.Images, held.Width, held.Height, s.Seed + 7919 + i);
            var data = ctx.Data.FromLabeledImages(new LabeledImages(images, held.Labels, held.Width, held.Height, held.ClassNames));
            var flat = data.GetColumn("Features").GetFloats().ToArray();
            sets.Add((data, stage.Memory.Embed(flat, held.Count), held.Labels.ToArray(), DenoiseRunner.Predict(plainModel, data)));
        }

        double plainClean = DenoiseRunner.Accuracy(sets[0].Labels, sets[0].Plain);
        var retrieveScores = new List<(float Beta, double Clean, double Corrupted)>();
        var voteScores = new List<(float Beta, double Clean, double Corrupted)>();
        foreach (float beta in BetaGrid)
        {
            var memory = new UniversalHopfieldMemory(keys, n, pixels, Options(beta));
            var votes = new UniversalHopfieldMemory(keys, n, oneHot, Options(beta));
            var retrieveAcc = new List<double>();
            var voteAcc = new List<double>();
            foreach (var (data, queries, labels, plain) in sets)
            {
                int m = labels.Length;
                var retrieved = new float[(long)m * d];
                memory.RetrieveBatch(queries, m, retrieved);
                var cleaned = DenoiseRunner.Predict(plainModel, data.WithColumn(DataColumn.CreateVector("Features", retrieved, d)));
                retrieveAcc.Add(DenoiseRunner.GatedAccuracy(labels, plain, cleaned, s.Confidence));
                var scores = new float[(long)m * k];
                votes.RetrieveBatch(queries, m, scores);
                voteAcc.Add(DenoiseRunner.GatedAccuracy(labels, plain, DenoiseRunner.ArgMax(scores, k), s.Confidence));
            }

            retrieveScores.Add((beta, retrieveAcc[0], retrieveAcc.Skip(1).DefaultIfEmpty(retrieveAcc[0]).Average()));
            voteScores.Add((beta, voteAcc[0], voteAcc.Skip(1).DefaultIfEmpty(voteAcc[0]).Average()));
        }

        return (Choose(retrieveScores, plainClean), Choose(voteScores, plainClean));
    }

    private static float Choose(List<(float Beta, double Clean, double Corrupted)> scores, double plainClean)
    {
        var allowed = scores.Where(x => x.Clean >= plainClean - 0.01).ToList();
        return allowed.Count > 0 ? allowed.MaxBy(x => x.Corrupted).Beta : scores.MaxBy(x => x.Clean).Beta;
    }

    /// <summary>Splits per class: every <paramref name="every"/>-th image of a class is held out.</summary>
    private static (LabeledImages Fit, LabeledImages Held) Split(LabeledImages images, int every)
    {
        var seen = new int[images.ClassNames.Count];
        var fit = new List<int>();
        var held = new List<int>();
        for (int i = 0; i < images.Count; i++)
        {
            (seen[images.Labels[i]]++ % every == every - 1 ? held : fit).Add(i);
        }

        LabeledImages Pick(List<int> rows) => new(rows.Select(r => images.Images[r]).ToArray(), rows.Select(r => images.Labels[r]).ToArray(), images.Width, images.Height, images.ClassNames);
        return (Pick(fit), Pick(held));
    }

    /// <summary>The retrieved training image of one query (for the demo's picture).</summary>
    public static float[] Retrieve(PhiCleanup phi, float[] image) => phi.Retrieve.Memory.Retrieve(image).Output;

    public static string Describe(PhiCleanup phi) => string.Create(CultureInfo.InvariantCulture,
        $"φ retrieval β {phi.Beta}, φ vote β {phi.VoteBeta}{(phi.Tuned ? " (tuned on a held-out fifth of the training images)" : "")}");
}
