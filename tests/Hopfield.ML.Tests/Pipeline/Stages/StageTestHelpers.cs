using Hopfield.ML.Pipeline;

namespace Hopfield.ML.Tests.Pipeline.Stages;

/// <summary>The checks of ML.NET's TestEstimatorCore: schema without data, save/load round trip, bad schema rejected.</summary>
internal static class StageTestHelpers
{
    /// <summary>Fits, checks that the estimator's schema (computed without data) equals the transformed data's schema, and round-trips the model through a file.</summary>
    public static ITransformer CheckEstimatorCore<T>(HopfieldContext ctx, IEstimator<T> estimator, DataSet train, DataSet test, params string[] outputColumns)
        where T : class, ITransformer
    {
        var expected = estimator.GetOutputSchema(train.Schema);
        var model = estimator.Fit(train);
        var transformed = model.Transform(test);
        Assert.True(expected.SameAs(model.GetOutputSchema(test.Schema)), $"estimator schema {expected} vs transformer schema {model.GetOutputSchema(test.Schema)}");
        Assert.True(expected.SameAs(transformed.Schema), $"estimator schema {expected} vs data schema {transformed.Schema}");

        string path = Path.Combine(Path.GetTempPath(), "hopfield-stage-" + Guid.NewGuid().ToString("N") + ".hopfield");
        try
        {
            ctx.Model.Save(model, train.Schema, path);
            var loaded = ctx.Model.Load(path, out var schema);
            Assert.NotNull(schema);
            Assert.IsType<T>(loaded);
            var again = loaded.Transform(test);
            foreach (var c in outputColumns)
            {
                var a = transformed.GetColumn(c);
                var b = again.GetColumn(c);
                if (a.Kind == ColumnKind.Key)
                {
                    Assert.Equal(a.GetKeys().ToArray(), b.GetKeys().ToArray());
                }
                else
                {
                    Assert.Equal(a.GetFloats().ToArray(), b.GetFloats().ToArray());
                }
            }
        }
        finally
        {
            File.Delete(path);
        }

        return model;
    }

    /// <summary>Asserts that a schema check fails and names <paramref name="column"/>.</summary>
    public static void RejectsSchema(Action check, string column)
    {
        var ex = Assert.Throws<SchemaMismatchException>(check);
        Assert.Equal(column, ex.ColumnName);
        Assert.Contains(column, ex.Message, StringComparison.Ordinal);
    }
}
