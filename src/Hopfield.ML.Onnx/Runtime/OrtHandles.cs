using System.Runtime.InteropServices;

namespace Hopfield.ML.Onnx.Runtime;

/// <summary>Base of the handles that own one ONNX Runtime object; released through <see cref="OrtNative"/>.</summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    internal void Attach(nint pointer) => SetHandle(pointer);

    /// <summary>Keeps the handle alive for a native call; throws <see cref="ObjectDisposedException"/> once closed.</summary>
    internal Lease Acquire() => new(this);

    internal readonly ref struct Lease
    {
        private readonly SafeHandle _owner;

        public Lease(SafeHandle owner)
        {
            bool added = false;
            owner.DangerousAddRef(ref added);
            _owner = owner;
            Pointer = owner.DangerousGetHandle();
        }

        public nint Pointer { get; }

        public void Dispose() => _owner.DangerousRelease();
    }
}

internal sealed class OrtEnvHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseEnv(handle);
        return true;
    }
}

internal sealed class OrtSessionOptionsHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseSessionOptions(handle);
        return true;
    }
}

internal sealed class OrtMemoryInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseMemoryInfo(handle);
        return true;
    }
}

internal sealed class OrtValueHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseValue(handle);
        return true;
    }
}

internal sealed class OrtStatusHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseStatus(handle);
        return true;
    }
}

internal sealed class OrtTypeInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseTypeInfo(handle);
        return true;
    }
}

internal sealed class OrtTensorTypeAndShapeInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseTensorTypeAndShapeInfo(handle);
        return true;
    }
}

/// <summary>
/// Owns an ONNX Runtime session and the UTF-8 copies of its input and output names that <c>Run</c> is given.
/// The names are freed together with the session, after the last in-flight call has released its lease.
/// </summary>
internal sealed class OrtSessionHandle : OrtHandle
{
    private nint[] _inputNames = [];
    private nint[] _outputNames = [];

    internal ReadOnlySpan<nint> InputNames => _inputNames;

    internal ReadOnlySpan<nint> OutputNames => _outputNames;

    internal void SetNames(IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
    {
        _inputNames = inputs.Select(Marshal.StringToCoTaskMemUTF8).ToArray();
        _outputNames = outputs.Select(Marshal.StringToCoTaskMemUTF8).ToArray();
    }

    protected override bool ReleaseHandle()
    {
        OrtNative.ReleaseSession(handle);
        foreach (nint p in _inputNames)
        {
            Marshal.FreeCoTaskMem(p);
        }

        foreach (nint p in _outputNames)
        {
            Marshal.FreeCoTaskMem(p);
        }

        _inputNames = [];
        _outputNames = [];
        return true;
    }
}
