using Hopfield.ML.Onnx.Runtime;

namespace Hopfield.ML.Onnx.Tests.Runtime;

public class OnnxRuntimeLoaderTests
{
    [Fact]
    public void NothingFound_MessageListsEveryPlaceAndHowToGetIt()
    {
        string empty = Directory.CreateTempSubdirectory("hopfield-ort-empty").FullName;
        try
        {
            var candidates = OrtLibrary.Candidates(null, null, empty, Path.Combine(empty, "cache"), includeSystem: false);
            Assert.Equal(3, candidates.Count);
            var e = Assert.Throws<DllNotFoundException>(() => OrtLibrary.LoadFirst(candidates));
            foreach (var c in candidates)
            {
                Assert.Contains(c.Path, e.Message, StringComparison.Ordinal);
            }

            Assert.Contains("scripts/get-onnxruntime.sh", e.Message, StringComparison.Ordinal);
            Assert.Contains(OnnxRuntime.LibraryPathVariable, e.Message, StringComparison.Ordinal);
            Assert.Contains("no such file", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void ExplicitPath_IsTheOnlyPlaceLooked()
    {
        var candidates = OrtLibrary.Candidates("/nonexistent/libonnxruntime.so.1", "/also/not/here.so", "base", "cache", includeSystem: true);
        var only = Assert.Single(candidates);
        Assert.Equal("/nonexistent/libonnxruntime.so.1", only.Path);
        var e = Assert.Throws<DllNotFoundException>(() => OrtLibrary.LoadFirst(candidates));
        Assert.Contains("/nonexistent/libonnxruntime.so.1", e.Message, StringComparison.Ordinal);
        Assert.Contains("LibraryPath", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnvironmentPath_ComesBeforeTheUsualPlaces()
    {
        var candidates = OrtLibrary.Candidates(null, "/from/env/libonnxruntime.so.1", "base", "cache", includeSystem: true);
        Assert.Equal("/from/env/libonnxruntime.so.1", Assert.Single(candidates).Path);
        Assert.Contains(OnnxRuntime.LibraryPathVariable, candidates[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void UsualPlaces_InOrder_AppThenCacheThenSystem()
    {
        var candidates = OrtLibrary.Candidates(null, null, "base", "cache", includeSystem: true);
        Assert.StartsWith("base", candidates[0].Path, StringComparison.Ordinal);
        Assert.Contains(candidates, c => c.Path.StartsWith("cache", StringComparison.Ordinal));
        int cache = candidates.FindIndex(c => c.Path.StartsWith("cache", StringComparison.Ordinal));
        int system = candidates.FindIndex(c => c.IsSystemName);
        Assert.True(cache < system);
    }

    [Fact]
    public void NotAnOrtLibrary_IsReported()
    {
        string file = Path.Combine(Path.GetTempPath(), $"hopfield-not-a-lib-{Guid.NewGuid():N}.so");
        File.WriteAllText(file, "not a shared library");
        try
        {
            var e = Assert.Throws<DllNotFoundException>(() => OrtLibrary.LoadFirst([new OrtLibrary.Candidate("test", file, false)]));
            Assert.Contains("could not be loaded", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void DifferentExplicitPath_AfterLoad_IsRefused()
    {
        OnnxRuntime.Initialize();
        var e = Assert.Throws<InvalidOperationException>(() =>
            OnnxSession.FromBytes(TestModels.Linear([1f], [0f], 1, 1), new OnnxSessionOptions { LibraryPath = "/some/other/libonnxruntime.so.1" }));
        Assert.Contains(OnnxRuntime.LibraryPath, e.Message, StringComparison.Ordinal);
        OnnxRuntime.Initialize(OnnxRuntime.LibraryPath); // the same path is fine
    }

    [Fact]
    public void SearchLocations_AreListed() => Assert.NotEmpty(OnnxRuntime.SearchLocations());
}
