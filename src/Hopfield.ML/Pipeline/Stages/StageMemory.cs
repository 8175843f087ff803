using System.Globalization;
using Hopfield.ML.Classification;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.ML.Pipeline.Stages;

/// <summary>Where a retrieval stage takes the patterns it stores.</summary>
public enum MemorySource
{
    /// <summary>The training rows themselves (optionally capped to a seeded random subsample).</summary>
    TrainingRows = 0,

    /// <summary>k per-class prototypes (seeded k-means inside each class; the class mean when k = 1). Needs a key label column.</summary>
    Prototypes = 1,

    /// <summary>Patterns the user gives; fitting only validates the schema.</summary>
    Patterns = 2,
}

/// <summary>Shared plumbing of the retrieval stages: memory options, pattern selection, parameter save/load.</summary>
internal static class StageMemory
{
    public static UniversalHopfieldOptions Options(SimilarityFunction similarity, SeparationFunction separation, float beta, int topK) => new()
    {
        Similarity = similarity,
        Separation = separation,
        Beta = beta,
        TopK = topK,
        Threads = 1, // the stage parallelises over row blocks itself
    };

    public static void Save(ModelSaveContext context, UniversalHopfieldOptions o)
    {
        context.SetParameter("similarity", o.Similarity.ToString());
        context.SetParameter("separation", o.Separation.ToString());
        context.SetParameter("beta", o.Beta);
        context.SetParameter("topK", o.TopK);
    }

    public static UniversalHopfieldOptions Load(ModelLoadContext context)
    {
        if (!Enum.TryParse<SimilarityFunction>(context.GetString("similarity"), out var sim) || !Enum.IsDefined(sim))
        {
            throw context.Error($"unknown similarity '{context.GetString("similarity")}'");
        }

        if (!Enum.TryParse<SeparationFunction>(context.GetString("separation"), out var sep) || !Enum.IsDefined(sep))
        {
            throw context.Error($"unknown separation '{context.GetString("separation")}'");
        }

        float beta = context.GetSingle("beta");
        if (!float.IsFinite(beta) || beta <= 0)
        {
            throw context.Error(string.Create(CultureInfo.InvariantCulture, $"beta must be finite and > 0, got {beta}"));
        }

        return Options(sim, sep, beta, context.GetInt32("topK"));
    }

    /// <summary>Checks the memory settings early, with the parameter named.</summary>
    public static void Validate(SimilarityFunction similarity, SeparationFunction separation, float beta, int topK)
    {
        if (!Enum.IsDefined(similarity))
        {
            throw new ArgumentOutOfRangeException(nameof(similarity), similarity, "Unknown similarity function.");
        }

        if (!Enum.IsDefined(separation))
        {
            throw new ArgumentOutOfRangeException(nameof(separation), separation, "Unknown separation function.");
        }

        if (!float.IsFinite(beta) || beta <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "Beta (inverse temperature) must be a finite number greater than 0.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        if (separation == SeparationFunction.Polynomial && similarity is SimilarityFunction.NegativeEuclidean or SimilarityFunction.NegativeManhattan)
        {
            throw new ArgumentException($"Polynomial separation needs a similarity that can be positive; {similarity} is never positive.", nameof(separation));
        }
    }

    /// <summary>Picks the stored rows: all training rows, a seeded subsample of at most <paramref name="maxPatterns"/>, or per-class prototypes.</summary>
    public static (float[] Patterns, int[] Labels) Select(ReadOnlySpan<float> rows, int dimension, int[]? labels, int classCount,
        MemorySource source, int maxPatterns, int prototypesPerClass, int seed)
    {
        int n = rows.Length / dimension;
        if (source == MemorySource.Prototypes)
        {
            var p = Prototypes.PerClass(rows, dimension, labels!, Math.Max(classCount, 1), prototypesPerClass, seed);
            return (p.Vectors, p.Labels);
        }

        if (maxPatterns <= 0 || maxPatterns >= n)
        {
            return (rows.ToArray(), labels ?? []);
        }

        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        Array.Sort(order, 0, maxPatterns);
        var patterns = new float[maxPatterns * dimension];
        var picked = labels is null ? [] : new int[maxPatterns];
        for (int i = 0; i < maxPatterns; i++)
        {
            rows.Slice(order[i] * dimension, dimension).CopyTo(patterns.AsSpan(i * dimension, dimension));
            if (labels is not null)
            {
                picked[i] = labels[order[i]];
            }
        }

        return (patterns, picked);
    }

    /// <summary>Runs <paramref name="body"/> over blocks of rows, in parallel when there are several blocks.</summary>
    public static void ForBlocks(int rowCount, int blockRows, Action<int, int> body)
    {
        int blocks = (rowCount + blockRows - 1) / blockRows;
        if (blocks <= 1)
        {
            body(0, rowCount);
            return;
        }

        Parallel.For(0, blocks, b =>
        {
            int start = b * blockRows;
            body(start, Math.Min(blockRows, rowCount - start));
        });
    }
}
