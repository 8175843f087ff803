using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hopfield.ML.Onnx.Runtime;

namespace Hopfield.ML.Onnx.Tests.Runtime;

/// <summary>
/// A library that exports OrtGetApiBase but cannot give the C API version the binding needs (an older ONNX Runtime)
/// must be refused with its version named. Faked with managed function pointers standing in for the native API base.
/// </summary>
public sealed unsafe class OrtVersionTests
{
    private static readonly nint VersionString = Marshal.StringToHGlobalAnsi("1.2.3");
    private static readonly nint* ApiBase = MakeApiBase();

    [Fact]
    public void OlderRuntime_WithoutTheApiVersion_IsRefusedNamingItsVersion()
    {
        bool bound = OrtNative.TryBind((nint)(delegate* unmanaged<void**>)&GetApiBase, out string version);
        Assert.False(bound);
        Assert.Equal("1.2.3", version);
    }

    private static nint* MakeApiBase()
    {
        var p = (nint*)NativeMemory.Alloc(2, (nuint)sizeof(nint));
        p[0] = (nint)(delegate* unmanaged<uint, void**>)&GetApi;
        p[1] = (nint)(delegate* unmanaged<byte*>)&GetVersionString;
        return p;
    }

    [UnmanagedCallersOnly]
    private static void** GetApiBase() => (void**)ApiBase;

    [UnmanagedCallersOnly]
    private static void** GetApi(uint version) => null; // "this runtime does not provide that API version"

    [UnmanagedCallersOnly]
    private static byte* GetVersionString() => (byte*)VersionString;
}
