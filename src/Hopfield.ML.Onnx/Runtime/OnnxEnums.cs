namespace Hopfield.ML.Onnx.Runtime;

/// <summary>The error codes of ONNX Runtime (<c>OrtErrorCode</c>).</summary>
public enum OnnxErrorCode
{
    /// <summary>No error.</summary>
    Ok = 0,

    /// <summary>A general failure.</summary>
    Fail = 1,

    /// <summary>An argument was invalid.</summary>
    InvalidArgument = 2,

    /// <summary>A file does not exist.</summary>
    NoSuchFile = 3,

    /// <summary>No model was loaded.</summary>
    NoModel = 4,

    /// <summary>The execution engine failed.</summary>
    EngineError = 5,

    /// <summary>An exception was raised inside ONNX Runtime.</summary>
    RuntimeException = 6,

    /// <summary>The model bytes are not a valid ONNX protobuf message.</summary>
    InvalidProtobuf = 7,

    /// <summary>The model was already loaded.</summary>
    ModelLoaded = 8,

    /// <summary>The operation is not implemented.</summary>
    NotImplemented = 9,

    /// <summary>The graph is invalid (unknown operator, type mismatch, missing input…).</summary>
    InvalidGraph = 10,

    /// <summary>An execution provider failed.</summary>
    ExecutionProviderFailure = 11,
}

/// <summary>The element types of ONNX tensors (<c>ONNXTensorElementDataType</c>).</summary>
public enum OnnxElementType
{
    /// <summary>Not a tensor, or an unknown type.</summary>
    Undefined = 0,

    /// <summary>32-bit floating point.</summary>
    Float = 1,

    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,

    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,

    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 4,

    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 5,

    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,

    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,

    /// <summary>String.</summary>
    String = 8,

    /// <summary>Boolean.</summary>
    Bool = 9,

    /// <summary>16-bit floating point.</summary>
    Float16 = 10,

    /// <summary>64-bit floating point.</summary>
    Double = 11,

    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 12,

    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 13,

    /// <summary>Complex number of two 32-bit floats.</summary>
    Complex64 = 14,

    /// <summary>Complex number of two 64-bit floats.</summary>
    Complex128 = 15,

    /// <summary>Brain floating point (16 bits).</summary>
    BFloat16 = 16,
}

/// <summary>How much ONNX Runtime rewrites the graph before running it.</summary>
public enum GraphOptimizationLevel
{
    /// <summary>No graph optimisation.</summary>
    DisableAll = 0,

    /// <summary>Basic, semantics-preserving rewrites (constant folding, redundant node removal).</summary>
    Basic = 1,

    /// <summary>Basic plus extended fusions.</summary>
    Extended = 2,

    /// <summary>Every optimisation, including layout optimisations.</summary>
    All = 99,
}

/// <summary>Whether ONNX Runtime executes independent graph nodes one after another or in parallel.</summary>
public enum ExecutionMode
{
    /// <summary>Nodes run one after another (operators still use intra-op threads).</summary>
    Sequential = 0,

    /// <summary>Independent nodes may run in parallel on the inter-op thread pool.</summary>
    Parallel = 1,
}
