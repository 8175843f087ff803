namespace Hopfield.ML.Numerics;

/// <summary>
/// Streaming top-k selection: a bounded min-heap of (score, index) pairs. "Better" means a larger score,
/// or an equal score with a lower index, so results are deterministic and match a stable sort.
/// </summary>
internal sealed class TopKSelector
{
    private readonly float[] _scores;
    private readonly int[] _indices;
    private int _count;

    /// <summary>Creates a selector that keeps the best <paramref name="k"/> entries.</summary>
    public TopKSelector(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        _scores = new float[k];
        _indices = new int[k];
    }

    /// <summary>The capacity k.</summary>
    public int Capacity => _scores.Length;

    /// <summary>Entries held so far (≤ k).</summary>
    public int Count => _count;

    /// <summary>Forgets everything offered so far.</summary>
    public void Reset() => _count = 0;

    /// <summary>Offers one candidate.</summary>
    public void Offer(float score, int index)
    {
        if (_count < _scores.Length)
        {
            int i = _count++;
            _scores[i] = score;
            _indices[i] = index;
            SiftUp(i);
            return;
        }

        if (!IsBetter(score, index, _scores[0], _indices[0]))
        {
            return;
        }

        _scores[0] = score;
        _indices[0] = index;
        SiftDown(0);
    }

    /// <summary>Offers scores[j] with index offset + j for every j.</summary>
    public void OfferRange(ReadOnlySpan<float> scores, int offset)
    {
        int j = 0;
        for (; j < scores.Length && _count < _scores.Length; j++)
        {
            Offer(scores[j], offset + j);
        }

        float threshold = _count > 0 ? _scores[0] : float.NegativeInfinity;
        for (; j < scores.Length; j++)
        {
            float s = scores[j];
            if (s >= threshold)
            {
                Offer(s, offset + j);
                threshold = _scores[0];
            }
        }
    }

    /// <summary>Writes the held entries best first and returns how many were written.</summary>
    public int CopySorted(Span<float> scores, Span<int> indices)
    {
        int n = _count;
        for (int i = 0; i < n; i++)
        {
            scores[i] = _scores[i];
            indices[i] = _indices[i];
        }

        // Insertion sort: k is small.
        for (int i = 1; i < n; i++)
        {
            float s = scores[i];
            int ix = indices[i];
            int j = i - 1;
            while (j >= 0 && IsBetter(s, ix, scores[j], indices[j]))
            {
                scores[j + 1] = scores[j];
                indices[j + 1] = indices[j];
                j--;
            }

            scores[j + 1] = s;
            indices[j + 1] = ix;
        }

        return n;
    }

    /// <summary>Indices of the k best scores, best first (ties to the lower index).</summary>
    public static int[] Select(ReadOnlySpan<float> scores, int k)
    {
        var sel = new TopKSelector(Math.Max(1, Math.Min(k, Math.Max(1, scores.Length))));
        sel.OfferRange(scores, 0);
        var s = new float[sel.Count];
        var ix = new int[sel.Count];
        sel.CopySorted(s, ix);
        return ix;
    }

    /// <summary>Index of the largest score (the lowest such index on ties); −1 for an empty span.</summary>
    public static int ArgMax(ReadOnlySpan<float> scores)
    {
        int best = -1;
        float bestScore = float.NegativeInfinity;
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] > bestScore || best < 0)
            {
                best = i;
                bestScore = scores[i];
            }
        }

        return best;
    }

    private static bool IsBetter(float s1, int i1, float s2, int i2) => s1 > s2 || (s1 == s2 && i1 < i2);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!IsBetter(_scores[parent], _indices[parent], _scores[i], _indices[i]))
            {
                break;
            }

            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            int l = (2 * i) + 1, r = l + 1, worst = i;
            if (l < _count && IsBetter(_scores[worst], _indices[worst], _scores[l], _indices[l]))
            {
                worst = l;
            }

            if (r < _count && IsBetter(_scores[worst], _indices[worst], _scores[r], _indices[r]))
            {
                worst = r;
            }

            if (worst == i)
            {
                return;
            }

            Swap(i, worst);
            i = worst;
        }
    }

    private void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_indices[a], _indices[b]) = (_indices[b], _indices[a]);
    }
}
