using Hopfield.ML.Classification;
using Hopfield.ML.Pipeline;

namespace Hopfield.ML;

/// <summary>
/// The entry point of the pipeline API (ML.NET's <c>MLContext</c>): catalogs of data operations, transforms,
/// classifiers and model save/load. A seeded context makes every seeded component it creates reproducible.
/// </summary>
public sealed class HopfieldContext
{
    private readonly Random _random;
    private readonly Lock _gate = new();

    /// <summary>Creates a context.</summary>
    /// <param name="seed">The seed for all randomness the context hands out; <see langword="null"/> for a non-deterministic run.</param>
    public HopfieldContext(int? seed = null)
    {
        Seed = seed;
        _random = seed is int s ? new Random(s) : new Random();
        Data = new DataOperationsCatalog(this);
        Transforms = new TransformsCatalog(this);
        Classifiers = new ClassifiersCatalog(this);
        Model = new ModelOperationsCatalog(this);
    }

    /// <summary>The seed given at construction, if any.</summary>
    public int? Seed { get; }

    /// <summary>Loading, splitting and converting data sets.</summary>
    public DataOperationsCatalog Data { get; }

    /// <summary>Column transforms (scaling, normalisation, concatenation, ...). Hopfield stages extend this catalog.</summary>
    public TransformsCatalog Transforms { get; }

    /// <summary>Multiclass classifiers and their evaluation (ML.NET's <c>MulticlassClassification</c>).</summary>
    public ClassifiersCatalog Classifiers { get; }

    /// <summary>Saving and loading fitted models, prediction engines.</summary>
    public ModelOperationsCatalog Model { get; }

    /// <summary>The next seed of this context's deterministic seed sequence (thread-safe).</summary>
    /// <returns>A seed.</returns>
    public int NextSeed()
    {
        lock (_gate)
        {
            return _random.Next();
        }
    }
}
