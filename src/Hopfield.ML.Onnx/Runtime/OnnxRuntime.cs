namespace Hopfield.ML.Onnx.Runtime;

/// <summary>
/// The ONNX Runtime native library this binding uses: where it is looked for, which version was loaded.
/// </summary>
/// <remarks>
/// The library is loaded once per process, on the first session or on <see cref="Initialize"/>. It is looked
/// for, in order: an explicit path (<see cref="OnnxSessionOptions.LibraryPath"/> or the argument of
/// <see cref="Initialize"/>), the environment variable <see cref="LibraryPathVariable"/>, next to the
/// application, the per-user cache that <c>scripts/get-onnxruntime.sh</c> fills
/// (<c>${XDG_CACHE_HOME:-$HOME/.cache}/hopfield-ml/onnxruntime/1.22.0/&lt;os&gt;-&lt;arch&gt;/</c>), and finally the
/// system library search path. An explicit path or the environment variable, when set, is the only place looked.
/// </remarks>
public static class OnnxRuntime
{
    /// <summary>The ONNX Runtime version this binding is built and tested against.</summary>
    public const string PinnedVersion = "1.22.0";

    /// <summary>The environment variable that names the library file to load.</summary>
    public const string LibraryPathVariable = "HOPFIELD_ONNXRUNTIME_PATH";

    /// <summary>Gets a value indicating whether the native library has been loaded in this process.</summary>
    public static bool IsLoaded => OrtLibrary.IsLoaded;

    /// <summary>Gets the version string of the loaded library (<c>GetVersionString</c>), loading it if needed.</summary>
    /// <exception cref="DllNotFoundException">No usable library was found; the message lists every place looked.</exception>
    public static string Version => OrtLibrary.Current.Version;

    /// <summary>Gets the path (or system name) the library was loaded from, loading it if needed.</summary>
    /// <exception cref="DllNotFoundException">No usable library was found; the message lists every place looked.</exception>
    public static string LibraryPath => OrtLibrary.Current.Path;

    /// <summary>Loads the native library now, optionally from an explicit file.</summary>
    /// <param name="libraryPath">The library file to load, or <see langword="null"/> to search the usual places.</param>
    /// <exception cref="DllNotFoundException">No usable library was found; the message lists every place looked and how to get one.</exception>
    /// <exception cref="InvalidOperationException">A different library is already loaded in this process.</exception>
    public static void Initialize(string? libraryPath = null) => OrtLibrary.Load(libraryPath);

    /// <summary>Lists the places the loader would look, in order, for diagnostics.</summary>
    /// <param name="libraryPath">An explicit library path, as it would be passed to <see cref="Initialize"/>.</param>
    /// <returns>One line per place: what it is and the path or system name.</returns>
    public static IReadOnlyList<string> SearchLocations(string? libraryPath = null) =>
        OrtLibrary.Candidates(
            libraryPath,
            Environment.GetEnvironmentVariable(LibraryPathVariable),
            AppContext.BaseDirectory,
            OrtLibrary.DefaultCacheDirectory,
            includeSystem: true)
        .Select(c => $"{c.Description}: {c.Path}")
        .ToList();
}
