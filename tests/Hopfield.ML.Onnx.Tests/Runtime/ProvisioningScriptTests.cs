using System.Diagnostics;
using Hopfield.ML.Onnx.Runtime;

namespace Hopfield.ML.Onnx.Tests.Runtime;

public class ProvisioningScriptTests
{
    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "scripts", "get-onnxruntime.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    [Fact]
    public void Script_WhenLibraryIsCached_DoesNothingAndSucceeds()
    {
        string? script = FindScript();
        if (!OperatingSystem.IsLinux() || script is null || !OnnxRuntime.LibraryPath.Contains("hopfield-ml", StringComparison.Ordinal))
        {
            return; // only meaningful where the build provisioned the cache
        }

        // The loaded library lives in <cache>/hopfield-ml/onnxruntime/<version>/<platform>/: point the script at that cache.
        string cacheHome = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(OnnxRuntime.LibraryPath)!, "..", "..", "..", ".."));
        var info = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["XDG_CACHE_HOME"] = cacheHome;
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000));
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("already cached", output, StringComparison.Ordinal);
    }
}
