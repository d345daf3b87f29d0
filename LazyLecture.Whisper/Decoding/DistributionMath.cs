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
}
