using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LazyLecture.Whisper.Decoding;

/// <summary>
/// The few vector loops the per-token filter needs. Own loops compiled optimised at first call, because
/// TensorPrimitives' generic paths start unoptimised and cost milliseconds per call for the first window.
/// </summary>
internal static class DistributionMath
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Max(ReadOnlySpan<float> values)
    {
        var i = 0;
        var max = float.NegativeInfinity;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            var m = new Vector<float>(float.NegativeInfinity);
            foreach (var v in vectors)
            {
                m = Vector.Max(m, v);
            }

            for (var k = 0; k < Vector<float>.Count; k++)
            {
                max = MathF.Max(max, m[k]);
            }

            i = vectors.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            max = MathF.Max(max, values[i]);
        }

        return max;
    }

    /// <summary>Index of the first occurrence of the maximum, or -1 when empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int IndexOfMax(ReadOnlySpan<float> values) => values.IsEmpty ? -1 : values.IndexOf(Max(values));

    /// <summary>destination = exp(values - shift); returns the sum of destination.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ExpShiftedSum(ReadOnlySpan<float> values, float shift, Span<float> destination)
    {
        var i = 0;
        var sum = 0f;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var source = MemoryMarshal.Cast<float, Vector<float>>(values);
            var target = MemoryMarshal.Cast<float, Vector<float>>(destination);
            var s = Vector<float>.Zero;
            var shiftVector = new Vector<float>(shift);
            for (var k = 0; k < source.Length; k++)
            {
                var e = Vector.Exp(source[k] - shiftVector);
                target[k] = e;
                s += e;
            }

            sum = Vector.Sum(s);
            i = source.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            destination[i] = MathF.Exp(values[i] - shift);
            sum += destination[i];
        }

        return sum;
    }

    /// <summary>destination = values - shift.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Subtract(ReadOnlySpan<float> values, float shift, Span<float> destination)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var source = MemoryMarshal.Cast<float, Vector<float>>(values);
            var target = MemoryMarshal.Cast<float, Vector<float>>(destination);
            var shiftVector = new Vector<float>(shift);
            for (var k = 0; k < source.Length; k++)
            {
                target[k] = source[k] - shiftVector;
            }

            i = source.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            destination[i] = values[i] - shift;
        }
    }

    /// <summary>destination = exp(values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Exp(ReadOnlySpan<float> values, Span<float> destination) => ExpShiftedSum(values, 0f, destination);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Sum(ReadOnlySpan<float> values)
    {
        var i = 0;
        var sum = 0f;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var source = MemoryMarshal.Cast<float, Vector<float>>(values);
            var s = Vector<float>.Zero;
            foreach (var v in source)
            {
                s += v;
            }

            sum = Vector.Sum(s);
            i = source.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            sum += values[i];
        }

        return sum;
    }

    /// <summary>values /= divisor in place (a division, as whisper.cpp, not a multiplication by the reciprocal).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Divide(Span<float> values, float divisor)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            var d = new Vector<float>(divisor);
            for (var k = 0; k < vectors.Length; k++)
            {
                vectors[k] /= d;
            }

            i = vectors.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            values[i] /= divisor;
        }
    }

    /// <summary>
    /// The index where the running sum of <paramref name="weights"/> first exceeds <paramref name="target"/>,
    /// skipping whole vectors at a time; the last positive weight when rounding leaves the target unreached.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int IndexOfCumulative(ReadOnlySpan<float> weights, double target)
    {
        double cumulative = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(weights);
            for (var k = 0; k < vectors.Length; k++, i += Vector<float>.Count)
            {
                var block = Vector.Sum(vectors[k]);
                if (cumulative + block > target)
                {
                    break;
                }

                cumulative += block;
            }
        }

        for (; i < weights.Length; i++)
        {
            cumulative += weights[i];
            if (weights[i] > 0f && cumulative > target)
            {
                return i;
            }
        }

        for (i = weights.Length - 1; i > 0 && weights[i] <= 0f; i--)
        {
        }

        return i;
    }
}
