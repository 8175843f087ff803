namespace Hopfield.ML.Onnx.Runtime;

/// <summary>An error reported by ONNX Runtime, with its error code and message.</summary>
public class OnnxRuntimeException : Exception
{
    /// <summary>Initializes a new instance with code <see cref="OnnxErrorCode.Fail"/>.</summary>
    public OnnxRuntimeException()
        : this(OnnxErrorCode.Fail, "ONNX Runtime reported an error.")
    {
    }

    /// <summary>Initializes a new instance with code <see cref="OnnxErrorCode.Fail"/> and a message.</summary>
    /// <param name="message">The message.</param>
    public OnnxRuntimeException(string message)
        : this(OnnxErrorCode.Fail, message)
    {
    }

    /// <summary>Initializes a new instance with code <see cref="OnnxErrorCode.Fail"/>, a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public OnnxRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = OnnxErrorCode.Fail;
    }

    /// <summary>Initializes a new instance with an ONNX Runtime error code and message.</summary>
    /// <param name="errorCode">The error code ONNX Runtime reported.</param>
    /// <param name="message">The message.</param>
    public OnnxRuntimeException(OnnxErrorCode errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>Gets the error code ONNX Runtime reported.</summary>
    public OnnxErrorCode ErrorCode { get; }
}
