using System.Runtime.InteropServices;
using System.Text;

namespace Hopfield.ML.Onnx.Runtime;

/// <summary>
/// Finds, loads and binds the ONNX Runtime native library once per process, and owns the process-wide
/// environment and CPU memory description that every session shares.
/// </summary>
internal static class OrtLibrary
{
    private static readonly Lock s_gate = new();
    private static State? s_state;

    internal sealed record State(string Path, string Version, OrtEnvHandle Env, OrtMemoryInfoHandle CpuMemory);

    /// <summary>One place the loader looks, and what it found there.</summary>
    internal sealed record Candidate(string Description, string Path, bool IsSystemName);

    internal static string LibraryFileName =>
        OperatingSystem.IsWindows() ? "onnxruntime.dll"
        : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib"
        : "libonnxruntime.so.1";

    internal static string PlatformKey
    {
        get
        {
            string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
            string arch = RuntimeInformation.OSArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.Arm64 => "arm64",
                Architecture.X86 => "x86",
                var other => other.ToString().ToLowerInvariant(),
            };
            return os + "-" + arch;
        }
    }

    /// <summary>The per-user cache the provisioning script fills: <c>${XDG_CACHE_HOME:-$HOME/.cache}/hopfield-ml/onnxruntime/1.22.0</c>.</summary>
    internal static string? DefaultCacheDirectory
    {
        get
        {
            string? root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(root))
            {
                string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                if (string.IsNullOrEmpty(home))
                {
                    home = Environment.GetEnvironmentVariable("HOME") ?? string.Empty;
                }

                if (string.IsNullOrEmpty(home))
                {
                    return null;
                }

                root = Path.Combine(home, ".cache");
            }

            return Path.Combine(root, "hopfield-ml", "onnxruntime", OnnxRuntime.PinnedVersion);
        }
    }

    internal static State Current => Volatile.Read(ref s_state) ?? Load(null);

    internal static bool IsLoaded => Volatile.Read(ref s_state) is not null;

    /// <summary>Loads the library (first call) or checks that an explicit path agrees with the one already loaded.</summary>
    internal static State Load(string? explicitPath)
    {
        lock (s_gate)
        {
            if (s_state is { } loaded)
            {
                if (!string.IsNullOrEmpty(explicitPath) && !SameFile(loaded.Path, explicitPath))
                {
                    throw new InvalidOperationException(
                        $"ONNX Runtime is already loaded from '{loaded.Path}' in this process; a second library ('{explicitPath}') cannot be loaded. " +
                        "Use the same library path for every session.");
                }

                return loaded;
            }

            var candidates = Candidates(
                explicitPath,
                Environment.GetEnvironmentVariable(OnnxRuntime.LibraryPathVariable),
                AppContext.BaseDirectory,
                DefaultCacheDirectory,
                includeSystem: true);
            var (path, version, _) = LoadFirst(candidates);
            var env = OrtNative.CreateEnv(loggingLevel: 3, "Hopfield.ML");
            var memory = OrtNative.CreateCpuMemoryInfo();
            var state = new State(path, version, env, memory);
            Volatile.Write(ref s_state, state);
            return state;
        }
    }

    private static bool SameFile(string a, string b)
    {
        try
        {
            return string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The places to look, in order: explicit path, environment variable, next to the application, the cache, the system.</summary>
    internal static List<Candidate> Candidates(string? explicitPath, string? environmentPath, string? baseDirectory, string? cacheDirectory, bool includeSystem)
    {
        var list = new List<Candidate>();
        if (!string.IsNullOrEmpty(explicitPath))
        {
            list.Add(new Candidate("the path given in OnnxSessionOptions.LibraryPath", explicitPath, false));
            return list;
        }

        if (!string.IsNullOrEmpty(environmentPath))
        {
            list.Add(new Candidate($"the environment variable {OnnxRuntime.LibraryPathVariable}", environmentPath, false));
            return list;
        }

        string file = LibraryFileName;
        if (!string.IsNullOrEmpty(baseDirectory))
        {
            list.Add(new Candidate("next to the application", Path.Combine(baseDirectory, file), false));
            list.Add(new Candidate("next to the application (runtimes folder)", Path.Combine(baseDirectory, "runtimes", PlatformKey, "native", file), false));
        }

        if (!string.IsNullOrEmpty(cacheDirectory))
        {
            list.Add(new Candidate("the Hopfield.ML cache", Path.Combine(cacheDirectory, PlatformKey, file), false));
        }

        if (includeSystem)
        {
            if (OperatingSystem.IsLinux())
            {
                list.Add(new Candidate("the system library search path", "libonnxruntime.so.1", true));
            }

            list.Add(new Candidate("the system library search path", "onnxruntime", true));
        }

        return list;
    }

    /// <summary>Loads the first candidate that is a usable ONNX Runtime; otherwise throws naming every place and outcome.</summary>
    internal static (string Path, string Version, nint Handle) LoadFirst(IReadOnlyList<Candidate> candidates)
    {
        var report = new StringBuilder();
        foreach (var candidate in candidates)
        {
            string outcome;
            if (!candidate.IsSystemName && !File.Exists(candidate.Path))
            {
                outcome = "no such file";
            }
            else if (!NativeLibrary.TryLoad(candidate.Path, out nint handle))
            {
                outcome = candidate.IsSystemName ? "not found" : "the file exists but could not be loaded (wrong platform or missing dependencies?)";
            }
            else if (!NativeLibrary.TryGetExport(handle, "OrtGetApiBase", out nint getApiBase))
            {
                outcome = "loaded, but it has no OrtGetApiBase export: not an ONNX Runtime library";
            }
            else if (!OrtNative.TryBind(getApiBase, out string version))
            {
                outcome = $"ONNX Runtime {version} does not provide C API version {OrtNative.ApiVersion}; version {OnnxRuntime.PinnedVersion} or later is required";
            }
            else
            {
                return (candidate.IsSystemName ? candidate.Path : Path.GetFullPath(candidate.Path), version, handle);
            }

            report.Append(" - ").Append(candidate.Description).Append(": ").Append(candidate.Path).Append(" → ").AppendLine(outcome);
        }

        throw new DllNotFoundException(
            $"The ONNX Runtime native library ({OnnxRuntime.PinnedVersion}, {LibraryFileName}) was not found. Looked in:{Environment.NewLine}" +
            report +
            "To get it, run scripts/get-onnxruntime.sh from the Hopfield.ML repository (it needs npm and caches the library in " +
            "${XDG_CACHE_HOME:-$HOME/.cache}/hopfield-ml/onnxruntime/" + OnnxRuntime.PinnedVersion + "/), " +
            $"or set {OnnxRuntime.LibraryPathVariable} to the full path of an ONNX Runtime {OnnxRuntime.PinnedVersion} library file.");
    }
}
