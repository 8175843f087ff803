using System.Runtime.InteropServices;

namespace Hopfield.ML.Onnx.Runtime;

/// <summary>
/// The only place that calls into ONNX Runtime: the <c>OrtApi</c> function table of API version 22, read once
/// from <c>OrtGetApiBase()</c> when <see cref="OrtLibrary"/> loads the library. Slots are zero-based indices into
/// the table, which only grows at its end, so they are stable across versions.
/// </summary>
internal static unsafe class OrtNative
{
    /// <summary>The API version this binding needs (ONNX Runtime 1.22).</summary>
    internal const uint ApiVersion = 22;

    private const int SlotGetErrorCode = 1;
    private const int SlotGetErrorMessage = 2;
    private const int SlotCreateEnv = 3;
    private const int SlotCreateSessionFromArray = 8;
    private const int SlotRun = 9;
    private const int SlotCreateSessionOptions = 10;
    private const int SlotSetSessionExecutionMode = 13;
    private const int SlotSetSessionGraphOptimizationLevel = 23;
    private const int SlotSetIntraOpNumThreads = 24;
    private const int SlotSetInterOpNumThreads = 25;
    private const int SlotSessionGetInputCount = 30;
    private const int SlotSessionGetOutputCount = 31;
    private const int SlotSessionGetInputTypeInfo = 33;
    private const int SlotSessionGetOutputTypeInfo = 34;
    private const int SlotSessionGetInputName = 36;
    private const int SlotSessionGetOutputName = 37;
    private const int SlotCreateTensorWithDataAsOrtValue = 49;
    private const int SlotIsTensor = 50;
    private const int SlotGetTensorMutableData = 51;
    private const int SlotCastTypeInfoToTensorInfo = 55;
    private const int SlotGetTensorElementType = 60;
    private const int SlotGetDimensionsCount = 61;
    private const int SlotGetDimensions = 62;
    private const int SlotGetTensorShapeElementCount = 64;
    private const int SlotGetTensorTypeAndShape = 65;
    private const int SlotCreateCpuMemoryInfo = 69;
    private const int SlotAllocatorFree = 76;
    private const int SlotGetAllocatorWithDefaultOptions = 78;
    private const int SlotReleaseEnv = 92;
    private const int SlotReleaseStatus = 93;
    private const int SlotReleaseMemoryInfo = 94;
    private const int SlotReleaseSession = 95;
    private const int SlotReleaseValue = 96;
    private const int SlotReleaseTypeInfo = 98;
    private const int SlotReleaseTensorTypeAndShapeInfo = 99;
    private const int SlotReleaseSessionOptions = 100;

    private static void** s_api;

    /// <summary>Reads <c>OrtGetApiBase</c> of a loaded library; returns the version string and whether API 22 exists.</summary>
    internal static bool TryBind(nint getApiBase, out string version)
    {
        var apiBase = ((delegate* unmanaged<void**>)getApiBase)();
        if (apiBase == null)
        {
            version = "unknown";
            return false;
        }

        var getApi = (delegate* unmanaged<uint, void**>)apiBase[0];
        var getVersionString = (delegate* unmanaged<byte*>)apiBase[1];
        version = Marshal.PtrToStringUTF8((nint)getVersionString()) ?? "unknown";
        void** api = getApi(ApiVersion);
        if (api == null)
        {
            return false;
        }

        s_api = api;
        return true;
    }

    private static void* Slot(int index)
    {
        void** api = s_api;
        return api == null ? throw new InvalidOperationException("ONNX Runtime is not loaded.") : api[index];
    }

    /// <summary>Throws <see cref="OnnxRuntimeException"/> for a non-null status, releasing it.</summary>
    internal static void Check(nint status)
    {
        if (status == 0)
        {
            return;
        }

        using var owned = new OrtStatusHandle();
        owned.Attach(status);
        var code = (OnnxErrorCode)((delegate* unmanaged<nint, int>)Slot(SlotGetErrorCode))(status);
        string message = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint, nint>)Slot(SlotGetErrorMessage))(status)) ?? string.Empty;
        throw new OnnxRuntimeException(code, $"ONNX Runtime error {code} ({(int)code}): {message}");
    }

    internal static OrtEnvHandle CreateEnv(int loggingLevel, string logId)
    {
        var env = new OrtEnvHandle();
        nint id = Marshal.StringToCoTaskMemUTF8(logId);
        try
        {
            nint result;
            Check(((delegate* unmanaged<int, nint, nint*, nint>)Slot(SlotCreateEnv))(loggingLevel, id, &result));
            env.Attach(result);
            return env;
        }
        finally
        {
            Marshal.FreeCoTaskMem(id);
        }
    }

    internal static OrtMemoryInfoHandle CreateCpuMemoryInfo()
    {
        var info = new OrtMemoryInfoHandle();
        nint result;

        // OrtArenaAllocator = 1, OrtMemTypeDefault = 0.
        Check(((delegate* unmanaged<int, int, nint*, nint>)Slot(SlotCreateCpuMemoryInfo))(1, 0, &result));
        info.Attach(result);
        return info;
    }

    internal static nint GetDefaultAllocator()
    {
        nint result;
        Check(((delegate* unmanaged<nint*, nint>)Slot(SlotGetAllocatorWithDefaultOptions))(&result));
        return result;
    }

    internal static OrtSessionOptionsHandle CreateSessionOptions()
    {
        var options = new OrtSessionOptionsHandle();
        nint result;
        Check(((delegate* unmanaged<nint*, nint>)Slot(SlotCreateSessionOptions))(&result));
        options.Attach(result);
        return options;
    }

    internal static void SetExecutionMode(OrtSessionOptionsHandle options, ExecutionMode mode)
    {
        using var o = options.Acquire();
        Check(((delegate* unmanaged<nint, int, nint>)Slot(SlotSetSessionExecutionMode))(o.Pointer, (int)mode));
    }

    internal static void SetGraphOptimizationLevel(OrtSessionOptionsHandle options, GraphOptimizationLevel level)
    {
        using var o = options.Acquire();
        Check(((delegate* unmanaged<nint, int, nint>)Slot(SlotSetSessionGraphOptimizationLevel))(o.Pointer, (int)level));
    }

    internal static void SetIntraOpThreads(OrtSessionOptionsHandle options, int threads)
    {
        using var o = options.Acquire();
        Check(((delegate* unmanaged<nint, int, nint>)Slot(SlotSetIntraOpNumThreads))(o.Pointer, threads));
    }

    internal static void SetInterOpThreads(OrtSessionOptionsHandle options, int threads)
    {
        using var o = options.Acquire();
        Check(((delegate* unmanaged<nint, int, nint>)Slot(SlotSetInterOpNumThreads))(o.Pointer, threads));
    }

    internal static OrtSessionHandle CreateSessionFromArray(OrtEnvHandle env, ReadOnlySpan<byte> model, OrtSessionOptionsHandle options)
    {
        var session = new OrtSessionHandle();
        using var e = env.Acquire();
        using var o = options.Acquire();
        nint result;
        fixed (byte* data = model)
        {
            Check(((delegate* unmanaged<nint, byte*, nuint, nint, nint*, nint>)Slot(SlotCreateSessionFromArray))(
                e.Pointer, data, (nuint)model.Length, o.Pointer, &result));
        }

        session.Attach(result);
        return session;
    }

    internal static int GetInputCount(nint session)
    {
        nuint count;
        Check(((delegate* unmanaged<nint, nuint*, nint>)Slot(SlotSessionGetInputCount))(session, &count));
        return checked((int)count);
    }

    internal static int GetOutputCount(nint session)
    {
        nuint count;
        Check(((delegate* unmanaged<nint, nuint*, nint>)Slot(SlotSessionGetOutputCount))(session, &count));
        return checked((int)count);
    }

    internal static string GetInputName(nint session, int index) => GetName(SlotSessionGetInputName, session, index);

    internal static string GetOutputName(nint session, int index) => GetName(SlotSessionGetOutputName, session, index);

    private static string GetName(int slot, nint session, int index)
    {
        nint allocator = GetDefaultAllocator();
        nint name;
        Check(((delegate* unmanaged<nint, nuint, nint, nint*, nint>)Slot(slot))(session, (nuint)index, allocator, &name));
        try
        {
            return Marshal.PtrToStringUTF8(name) ?? string.Empty;
        }
        finally
        {
            Check(((delegate* unmanaged<nint, nint, nint>)Slot(SlotAllocatorFree))(allocator, name));
        }
    }

    internal static (OnnxElementType Type, long[] Shape, bool IsTensor) GetInputType(nint session, int index)
        => GetNodeType(SlotSessionGetInputTypeInfo, session, index);

    internal static (OnnxElementType Type, long[] Shape, bool IsTensor) GetOutputType(nint session, int index)
        => GetNodeType(SlotSessionGetOutputTypeInfo, session, index);

    private static (OnnxElementType Type, long[] Shape, bool IsTensor) GetNodeType(int slot, nint session, int index)
    {
        using var typeInfo = new OrtTypeInfoHandle();
        nint info;
        Check(((delegate* unmanaged<nint, nuint, nint*, nint>)Slot(slot))(session, (nuint)index, &info));
        typeInfo.Attach(info);

        // A view into the type info: not released on its own.
        nint tensorInfo;
        Check(((delegate* unmanaged<nint, nint*, nint>)Slot(SlotCastTypeInfoToTensorInfo))(info, &tensorInfo));
        if (tensorInfo == 0)
        {
            return (OnnxElementType.Undefined, [], false);
        }

        var (type, shape) = ReadTypeAndShape(tensorInfo);
        return (type, shape, true);
    }

    private static (OnnxElementType Type, long[] Shape) ReadTypeAndShape(nint tensorInfo)
    {
        int type;
        Check(((delegate* unmanaged<nint, int*, nint>)Slot(SlotGetTensorElementType))(tensorInfo, &type));
        nuint rank;
        Check(((delegate* unmanaged<nint, nuint*, nint>)Slot(SlotGetDimensionsCount))(tensorInfo, &rank));
        long[] shape = new long[checked((int)rank)];
        fixed (long* dims = shape)
        {
            Check(((delegate* unmanaged<nint, long*, nuint, nint>)Slot(SlotGetDimensions))(tensorInfo, dims, rank));
        }

        return ((OnnxElementType)type, shape);
    }

    /// <summary>Wraps pinned float data as a tensor without copying; the data must stay pinned while the value lives.</summary>
    internal static OrtValueHandle CreateFloatTensor(OrtMemoryInfoHandle memoryInfo, float* data, long elementCount, ReadOnlySpan<long> shape)
    {
        var value = new OrtValueHandle();
        using var m = memoryInfo.Acquire();
        nint result;
        fixed (long* dims = shape)
        {
            Check(((delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)Slot(SlotCreateTensorWithDataAsOrtValue))(
                m.Pointer, data, (nuint)(elementCount * sizeof(float)), dims, (nuint)shape.Length, (int)OnnxElementType.Float, &result));
        }

        value.Attach(result);
        return value;
    }

    /// <summary>Runs the session; output slots are allocated by ONNX Runtime and returned as owned handles.</summary>
    internal static OrtValueHandle[] Run(nint session, nint* inputNames, nint* inputValues, int inputCount, nint* outputNames, int outputCount)
    {
        nint* outputs = stackalloc nint[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            outputs[i] = 0;
        }

        Check(((delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)Slot(SlotRun))(
            session, 0, inputNames, inputValues, (nuint)inputCount, outputNames, (nuint)outputCount, outputs));
        var result = new OrtValueHandle[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            result[i] = new OrtValueHandle();
            result[i].Attach(outputs[i]);
        }

        return result;
    }

    /// <summary>Reads a tensor value's element type, shape and data pointer.</summary>
    internal static (OnnxElementType Type, long[] Shape, nint Data) ReadTensor(OrtValueHandle value)
    {
        using var v = value.Acquire();
        int isTensor;
        Check(((delegate* unmanaged<nint, int*, nint>)Slot(SlotIsTensor))(v.Pointer, &isTensor));
        if (isTensor == 0)
        {
            return (OnnxElementType.Undefined, [], 0);
        }

        using var info = new OrtTensorTypeAndShapeInfoHandle();
        nint infoPointer;
        Check(((delegate* unmanaged<nint, nint*, nint>)Slot(SlotGetTensorTypeAndShape))(v.Pointer, &infoPointer));
        info.Attach(infoPointer);
        var (type, shape) = ReadTypeAndShape(infoPointer);
        nuint count;
        Check(((delegate* unmanaged<nint, nuint*, nint>)Slot(SlotGetTensorShapeElementCount))(infoPointer, &count));
        nint data = 0;
        if (count > 0)
        {
            Check(((delegate* unmanaged<nint, nint*, nint>)Slot(SlotGetTensorMutableData))(v.Pointer, &data));
        }

        return (type, shape, data);
    }

    internal static void ReleaseEnv(nint p) => ((delegate* unmanaged<nint, void>)Slot(SlotReleaseEnv))(p);

    internal static void ReleaseStatus(nint p) => ((delegate* unmanaged<nint, void>)Slot(SlotReleaseStatus))(p);

    internal static void ReleaseMemoryInfo(nint p) => ((delegate* unmanaged<nint, void>)Slot(SlotReleaseMemoryInfo))(p);

    internal static void ReleaseSession(nint p) => ((delegate* unmanaged<nint, void>)Slot(SlotReleaseSession))(p);

    internal static void ReleaseValue(nint p) => ((delegate* unmanaged<nint, void>)Slot(SlotReleaseValue))(p);

    internal static void ReleaseTypeInfo(nint p) => ((delegate* unmanaged<nint, void>)Slot(SlotReleaseTypeInfo))(p);

    internal static void ReleaseTensorTypeAndShapeInfo(nint p) => ((delegate* unmanaged<nint, void>)Slot(SlotReleaseTensorTypeAndShapeInfo))(p);

    internal static void ReleaseSessionOptions(nint p) => ((delegate* unmanaged<nint, void>)Slot(SlotReleaseSessionOptions))(p);
}
