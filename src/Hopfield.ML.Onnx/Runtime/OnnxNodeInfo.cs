namespace Hopfield.ML.Onnx.Runtime;

/// <summary>Describes one input or output of an <see cref="OnnxSession"/>.</summary>
public sealed class OnnxNodeInfo
{
    internal OnnxNodeInfo(string name, OnnxElementType elementType, long[] shape, bool isTensor)
    {
        Name = name;
        ElementType = elementType;
        Shape = Array.AsReadOnly(shape);
        IsTensor = isTensor;
    }

    /// <summary>Gets the name of the input or output in the model graph.</summary>
    public string Name { get; }

    /// <summary>Gets the tensor element type (<see cref="OnnxElementType.Undefined"/> when it is not a tensor).</summary>
    public OnnxElementType ElementType { get; }

    /// <summary>Gets the tensor shape; a dynamic (symbolic or unknown) dimension is -1.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Gets a value indicating whether this is a tensor (not a sequence or a map).</summary>
    public bool IsTensor { get; }

    /// <summary>Gets a value indicating whether any dimension is dynamic.</summary>
    public bool HasDynamicDimensions => Shape.Any(d => d < 0);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {ElementType}{OnnxTensor.FormatShape(Shape)}";
}
