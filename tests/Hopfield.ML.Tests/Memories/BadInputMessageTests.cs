using Hopfield.ML.Memories;
using Hopfield.ML.Memories.Modern;

namespace Hopfield.ML.Tests.Memories;

/// <summary>
/// Rows of the bad-input table in docs/reliability.md for the modern and dense memories: each asserts the exception
/// type and that the message names the problem (the universal memory's rows are in UniversalValidationTests).
/// </summary>
public class BadInputMessageTests
{
    private static readonly float[] Patterns = [1, 0, 0, 0, 1, 0]; // 2 × 3

    [Fact]
    public void Modern_WrongQueryDimension_NamesBothDimensions()
    {
        var net = new ModernHopfieldNetwork(Patterns, 2);
        var e = Assert.Throws<ArgumentException>(() => net.Retrieve(new float[2]));
        Assert.Contains("dimension 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("dimension 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Modern_NonFiniteQueryAndPattern_AreNamed()
    {
        var net = new ModernHopfieldNetwork(Patterns, 2);
        var e = Assert.Throws<ArgumentException>(() => net.Retrieve([0f, float.NaN, 0f]));
        Assert.Contains("contains NaN at element 1", e.Message, StringComparison.Ordinal);
        var p = Assert.Throws<ArgumentException>(() => new ModernHopfieldNetwork([1f, 2f, float.PositiveInfinity], 1));
        Assert.Contains("Key 0 contains +infinity at element 2", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Modern_EmptyMemory_And_BetaNotPositive_AreNamed()
    {
        var empty = Assert.Throws<ArgumentOutOfRangeException>(() => new ModernHopfieldNetwork([], 0));
        Assert.Contains("at least one", empty.Message, StringComparison.Ordinal);
        foreach (float beta in new[] { 0f, -2f, float.NaN })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ModernHopfieldNetwork(Patterns, 2, new ModernHopfieldOptions { Beta = beta }));
            Assert.Contains("Beta (inverse temperature) must be a finite number greater than 0", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Dense_EmptyMemory_BetaNotPositive_WrongDimension_AreNamed()
    {
        var mem = new DenseAssociativeMemory(3);
        var empty = Assert.Throws<InvalidOperationException>(() => mem.Recall(new sbyte[] { 1, 1, 1 }));
        Assert.Contains("stores no patterns", empty.Message, StringComparison.Ordinal);
        var beta = Assert.Throws<ArgumentOutOfRangeException>(() => new DenseAssociativeMemory(10, DenseInteraction.Exponential, beta: 0));
        Assert.Contains("beta must be positive and finite (got 0)", beta.Message, StringComparison.Ordinal);
        mem.Store(new sbyte[] { 1, -1, 1 });
        var dim = Assert.Throws<ArgumentException>(() => mem.Recall(new sbyte[] { 1, -1 }));
        Assert.Contains("expected 3", dim.Message, StringComparison.Ordinal);
    }
}
