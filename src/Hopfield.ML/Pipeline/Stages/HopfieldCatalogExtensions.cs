using Hopfield.ML.Classification;
using Hopfield.ML.Memories.Universal;

namespace Hopfield.ML.Pipeline.Stages;

/// <summary>Catalog entries of the Hopfield stages: <c>ctx.Transforms.HopfieldDenoise(...)</c>, <c>ctx.Transforms.HopfieldPool(...)</c>, <c>ctx.Classifiers.Hopfield(...)</c>.</summary>
public static class HopfieldCatalogExtensions
{
    /// <summary>A clean-up stage that replaces each feature vector by its retrieval from a Hopfield memory of the training rows.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The input column (default: the output column).</param>
    /// <param name="beta">Inverse temperature β.</param>
    /// <param name="similarity">The similarity function.</param>
    /// <param name="source">Training rows, per-class prototypes (needs <paramref name="labelColumnName"/>) or given patterns (use the options overload).</param>
    /// <param name="maxPatterns">Store at most this many training rows (seeded subsample); 0 = all.</param>
    /// <param name="labelColumnName">The key label column for <see cref="MemorySource.Prototypes"/>.</param>
    /// <returns>The estimator.</returns>
    public static HopfieldDenoiseEstimator HopfieldDenoise(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        float beta = HopfieldDenoiseEstimator.Defaults.Beta, SimilarityFunction similarity = HopfieldDenoiseEstimator.Defaults.Similarity,
        MemorySource source = HopfieldDenoiseEstimator.Defaults.Source, int maxPatterns = 0, string labelColumnName = HopfieldDenoiseEstimator.Defaults.LabelColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(outputColumnName, inputColumnName, new HopfieldDenoiseEstimator.Options
        {
            Beta = beta,
            Similarity = similarity,
            Source = source,
            MaxPatterns = maxPatterns,
            LabelColumnName = labelColumnName,
        }, catalog.Context.NextSeed());
    }

    /// <summary>A clean-up stage with every setting.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The input column (default: the output column).</param>
    /// <param name="options">The settings (copied).</param>
    /// <returns>The estimator.</returns>
    public static HopfieldDenoiseEstimator HopfieldDenoise(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName,
        HopfieldDenoiseEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(outputColumnName, inputColumnName, options, catalog.Context.NextSeed());
    }

    /// <summary>A Hopfield classifier: hetero-association from feature vectors to one-hot labels.</summary>
    /// <param name="catalog">The classifiers catalog.</param>
    /// <param name="labelColumnName">The key label column.</param>
    /// <param name="featureColumnName">The float feature column.</param>
    /// <param name="beta">Inverse temperature β.</param>
    /// <param name="source">Training rows or per-class prototypes as keys.</param>
    /// <param name="topK">k of the top-k softmax separation.</param>
    /// <returns>The trainer.</returns>
    public static HopfieldClassifierTrainer Hopfield(this ClassifiersCatalog catalog,
        string labelColumnName = SoftmaxRegressionTrainer.Defaults.LabelColumnName,
        string featureColumnName = SoftmaxRegressionTrainer.Defaults.FeatureColumnName,
        float beta = HopfieldClassifierTrainer.Defaults.Beta, MemorySource source = MemorySource.TrainingRows, int topK = HopfieldClassifierTrainer.Defaults.TopK)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(new HopfieldClassifierTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Beta = beta,
            Source = source,
            TopK = topK,
        }, catalog.Context.NextSeed());
    }

    /// <summary>A Hopfield classifier with every setting.</summary>
    /// <param name="catalog">The classifiers catalog.</param>
    /// <param name="options">The settings (copied).</param>
    /// <returns>The trainer.</returns>
    public static HopfieldClassifierTrainer Hopfield(this ClassifiersCatalog catalog, HopfieldClassifierTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(options, catalog.Context.NextSeed());
    }
}

/// <summary>Catalog entries of Hopfield pooling.</summary>
public static class HopfieldPoolCatalogExtensions
{
    /// <summary>
    /// Hopfield pooling of a bag column (n instances × <paramref name="instanceDimension"/>) into one vector, with per-class
    /// prototypes fitted on the bag-level <paramref name="labelColumnName"/> (pass <see langword="null"/> for none).
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The output column (d values for the bag-mean query).</param>
    /// <param name="inputColumnName">The bag column.</param>
    /// <param name="instanceDimension">The instance dimension d.</param>
    /// <param name="labelColumnName">The bag-level key label column for prototypes, or <see langword="null"/>.</param>
    /// <param name="classNames">Names of the classes, used as prototype labels in explanations.</param>
    /// <param name="beta">Inverse temperature β.</param>
    /// <returns>The estimator.</returns>
    public static HopfieldPoolEstimator HopfieldPool(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, int instanceDimension,
        string? labelColumnName = HopfieldPoolEstimator.Defaults.LabelColumnName, IReadOnlyList<string>? classNames = null, float beta = HopfieldPoolEstimator.Defaults.Beta)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(outputColumnName, inputColumnName, new HopfieldPoolEstimator.Options
        {
            InstanceDimension = instanceDimension,
            LabelColumnName = labelColumnName,
            ClassNames = classNames,
            Beta = beta,
        }, catalog.Context.NextSeed());
    }

    /// <summary>Hopfield pooling with every setting.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="inputColumnName">The bag column.</param>
    /// <param name="options">The settings (copied).</param>
    /// <returns>The estimator.</returns>
    public static HopfieldPoolEstimator HopfieldPool(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, HopfieldPoolEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(outputColumnName, inputColumnName, options, catalog.Context.NextSeed());
    }
}
