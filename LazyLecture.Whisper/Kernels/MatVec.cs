using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Kernels;

/// <summary>y = W · x for one activation vector, reading the weight rows (f16 converted on the fly) straight from the mapped file.</summary>
public static unsafe class MatVec
{
    /// <summary>
    /// Turns x into what <see cref="MultiplyRows"/> expects for this weight type: for f16, rounded to f16 (as ggml
    /// converts src1) and scaled by 2^112 (<see cref="DotF16Scaled"/>); otherwise a plain copy.
    /// </summary>
    public static void PrepareInput(GgmlType weightType, ReadOnlySpan<float> x, Span<float> prepared)
    {
        if (weightType == GgmlType.F16)
        {
            HalfConversion.RoundToHalfPrecision(x, prepared);
            ScaleForHalfDot(prepared[..x.Length], prepared);
        }
        else
        {
            x.CopyTo(prepared);
        }
    }

    /// <summary>y[n] = dot(W[n], x) for n in [start, end) with x from <see cref="PrepareInput"/>.</summary>
    public static void MultiplyRows(GgmlTensor weight, float* prepared, float* y, int start, int end)
    {
        var k = weight.RowLength;
        switch (weight.Type)
        {
            case GgmlType.F16:
                for (var n = start; n < end; n++)
                {
                    y[n] = DotF16Scaled((ushort*)weight.RowPointer(n), prepared, k);
                }

                break;
            case GgmlType.F32:
                for (var r = start; r < end; r++)
                {
                    y[r] = TensorPrimitives.Dot(new ReadOnlySpan<float>(weight.RowPointer(r), k), new ReadOnlySpan<float>(prepared, k));
                }

                break;
            default:
                Span<float> row = k <= 8192 ? stackalloc float[k] : new float[k];
                for (var r = start; r < end; r++)
                {
                    Dequantize.Row(weight.Type, weight.RowPointer(r), row);
                    y[r] = TensorPrimitives.Dot(row, new ReadOnlySpan<float>(prepared, k));
                }

                break;
        }
    }

    /// <summary>
    /// Dot product of an f16 row with f32 values. f16 bits shifted into f32 position read as value·2^-112, so the
    /// caller's x must be pre-scaled by 2^112 (<see cref="ScaleForHalfDot"/>): converting a weight then costs a
    /// sign-extend, a shift and a mask. Weights must be finite (the loader rejects f16 inf/NaN).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DotF16Scaled(ushort* w, float* xScaled, int k)
    {
        var i = 0;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> acc0 = default, acc1 = default;
            for (; i + 32 <= k; i += 32)
            {
                var h = Vector512.Load((short*)(w + i));
                acc0 = Vector512.FusedMultiplyAdd(Raw(Vector512.WidenLower(h)), Vector512.Load(xScaled + i), acc0);
                acc1 = Vector512.FusedMultiplyAdd(Raw(Vector512.WidenUpper(h)), Vector512.Load(xScaled + i + 16), acc1);
            }

            sum = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> acc0 = default, acc1 = default;
            for (; i + 16 <= k; i += 16)
            {
                var h = Vector256.Load((short*)(w + i));
                var (lo, hi) = Vector256.Widen(h);
                acc0 = Vector256.FusedMultiplyAdd(Raw(lo), Vector256.Load(xScaled + i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(Raw(hi), Vector256.Load(xScaled + i + 8), acc1);
            }

            sum = Vector256.Sum(acc0 + acc1);
        }

        for (; i < k; i++)
        {
            sum += HalfConversion.ToSingle(w[i]) * (xScaled[i] * HalfScaleInverse);
        }

        return sum;
    }

    // Four rows share each load of x and keep four independent accumulation chains in flight.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotF16ScaledFourRows(ushort* w, long stride, float* xScaled, int k, float* y)
    {
        var w0 = (short*)w;
        var w1 = w0 + stride;
        var w2 = w1 + stride;
        var w3 = w2 + stride;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (var i = 0; i < k; i += 32)
        {
            var xl = Vector512.Load(xScaled + i);
            var xh = Vector512.Load(xScaled + i + 16);
            var h0 = Vector512.Load(w0 + i);
            var h1 = Vector512.Load(w1 + i);
            var h2 = Vector512.Load(w2 + i);
            var h3 = Vector512.Load(w3 + i);
            a0 = Vector512.FusedMultiplyAdd(Raw(Vector512.WidenLower(h0)), xl, a0);
            a1 = Vector512.FusedMultiplyAdd(Raw(Vector512.WidenLower(h1)), xl, a1);
            a2 = Vector512.FusedMultiplyAdd(Raw(Vector512.WidenLower(h2)), xl, a2);
            a3 = Vector512.FusedMultiplyAdd(Raw(Vector512.WidenLower(h3)), xl, a3);
            a0 = Vector512.FusedMultiplyAdd(Raw(Vector512.WidenUpper(h0)), xh, a0);
            a1 = Vector512.FusedMultiplyAdd(Raw(Vector512.WidenUpper(h1)), xh, a1);
            a2 = Vector512.FusedMultiplyAdd(Raw(Vector512.WidenUpper(h2)), xh, a2);
            a3 = Vector512.FusedMultiplyAdd(Raw(Vector512.WidenUpper(h3)), xh, a3);
        }

        y[0] = Vector512.Sum(a0);
        y[1] = Vector512.Sum(a1);
        y[2] = Vector512.Sum(a2);
        y[3] = Vector512.Sum(a3);
    }

    /// <summary>2^112: the factor between an f16 value and its bits moved into f32 position.</summary>
    public const float HalfScale = 5.192296858534828e33f;

    private const float HalfScaleInverse = 1.925929944387236e-34f;

    /// <summary>x·2^112 for <see cref="DotF16Scaled"/> (exact: f16-range values stay below f32's maximum).</summary>
    public static void ScaleForHalfDot(ReadOnlySpan<float> x, Span<float> scaled) => TensorPrimitives.Multiply(x, HalfScale, scaled);

    // Sign-extended f16 bits: << 13 puts exponent and mantissa in f32 position; the mask keeps the sign bit and drops
    // the sign copies that landed in f32's top exponent bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Raw(Vector512<int> h) => ((h << 13) & Vector512.Create(unchecked((int)0x8FFFFFFF))).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Raw(Vector256<int> h) => ((h << 13) & Vector256.Create(unchecked((int)0x8FFFFFFF))).AsSingle();
}
