namespace Hopfield.ML.Pipeline;

/// <summary>Declares the fixed vector size of a <c>float[]</c> property mapped to a vector column (ML.NET's <c>VectorType</c>).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false)]
public sealed class VectorSizeAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="size">The vector size (≥ 1).</param>
    public VectorSizeAttribute(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
    }

    /// <summary>The vector size.</summary>
    public int Size { get; }
}

/// <summary>Maps a property to a column of another name.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false)]
public sealed class ColumnNameAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The column name.</param>
    public ColumnNameAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }
}

/// <summary>Excludes a property from column mapping.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false)]
public sealed class NoColumnAttribute : Attribute
{
}

/// <summary>Declares the number of categories of an <c>int</c>/<c>uint</c> key property (ML.NET's <c>KeyType</c>).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false)]
public sealed class KeyCountAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="count">The number of categories (≥ 1).</param>
    public KeyCountAttribute(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
    }

    /// <summary>The number of categories.</summary>
    public int Count { get; }
}
