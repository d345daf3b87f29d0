using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Kernels;

/// <summary>
/// y = W · x for one activation vector, reading the weight rows straight from the mapped file: f16 rows converted on
/// the fly, quantized rows multiplied in integers with x quantized to q8 blocks (<see cref="QuantizedDot"/>).
/// </summary>
internal static unsafe class MatVec
{
    /// <summary>
    /// Turns x into what <see cref="MultiplyRows"/> expects for this weight type: for f16, rounded to f16 (as ggml
    /// converts src1) and scaled by 2^112 (<see cref="DotF16Scaled"/>); for quantized types, q8 blocks as ggml
    /// quantizes src1 (<see cref="Q8Activations"/>; they fit in the space of x); otherwise a plain copy.
    /// </summary>
    public static void PrepareInput(GgmlType weightType, ReadOnlySpan<float> x, Span<float> prepared)
    {
        if (weightType == GgmlType.F16)
        {
            HalfConversion.RoundToHalfPrecision(x, prepared);
            ScaleForHalfDot(prepared[..x.Length], prepared);
        }
        else if (QuantizedDot.IsQuantized(weightType))
        {
            if (prepared.Length * sizeof(float) < Q8Activations.RowBytes(x.Length))
            {
                throw new ArgumentException("Prepared span too short for the quantized row.", nameof(prepared));
            }

            fixed (float* destination = prepared)
            {
                Q8Activations.Quantize(x, (byte*)destination);
            }
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
                QuantizedMatVec.Multiply(weight, (byte*)prepared, 0, 1, y, 0, start, end);
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

    /// <summary>
    /// y[i·yStride + n] = dot(W[n], x_i) for <paramref name="count"/> inputs x_i = prepared + i·preparedStride and rows
    /// n in [start, end): each weight row is loaded and converted once for up to six inputs (four with AVX2's 16
    /// registers). Every output is bit-identical to <see cref="MultiplyRows"/> on that input alone (same arithmetic per
    /// input), so batched candidates decode exactly as they would one after another.
    /// </summary>
    public static void MultiplyRowsBatch(GgmlTensor weight, float* prepared, int count, int preparedStride, float* y, int yStride, int start, int end)
    {
        var k = weight.RowLength;
        // The kernel takes the widest path the CPU has, so k must be a whole number of that path's steps.
        if (QuantizedDot.IsQuantized(weight.Type))
        {
            // Each quantized block is read and unpacked once for every input (Q8Activations rows preparedStride floats apart).
            QuantizedMatVec.Multiply(weight, (byte*)prepared, preparedStride * sizeof(float), count, y, yStride, start, end);
            return;
        }

        var perPass = Vector512.IsHardwareAccelerated ? (k % 32 == 0 ? 6 : 1) : Vector256.IsHardwareAccelerated && k % 16 == 0 ? 4 : 1;
        if (weight.Type != GgmlType.F16 || count == 1 || perPass == 1)
        {
            for (var i = 0; i < count; i++)
            {
                MultiplyRows(weight, prepared + (long)i * preparedStride, y + (long)i * yStride, start, end);
            }

            return;
        }

        for (var n = start; n < end; n++)
        {
            var row = (ushort*)weight.RowPointer(n);
            for (var i = 0; i < count; i += perPass)
            {
                var x = prepared + (long)i * preparedStride;
                var output = y + (long)i * yStride + n;
                switch (Math.Min(perPass, count - i))
                {
                    case 1: *output = DotF16Scaled(row, x, k); break;
                    case 2: DotF16ScaledInputs<InputCount2>(row, x, preparedStride, k, output, yStride); break;
                    case 3: DotF16ScaledInputs<InputCount3>(row, x, preparedStride, k, output, yStride); break;
                    case 4: DotF16ScaledInputs<InputCount4>(row, x, preparedStride, k, output, yStride); break;
                    case 5: DotF16ScaledInputs<InputCount5>(row, x, preparedStride, k, output, yStride); break;
                    default: DotF16ScaledInputs<InputCount6>(row, x, preparedStride, k, output, yStride); break;
                }
            }
        }
    }

    // DotF16Scaled for several inputs sharing each load and conversion of the weights; per input the same accumulators,
    // operation order and final sum as DotF16Scaled (k a multiple of the vector step, checked by the caller; more than
    // four inputs only with AVX-512).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotF16ScaledInputs<TInputs>(ushort* w, float* x, int stride, int k, float* y, int yStride)
        where TInputs : struct, IInputCount
    {
        var inputs = TInputs.Count;
        var x0 = x;
        var x1 = x0 + stride;
        var x2 = x1 + stride;
        var x3 = x2 + stride;
        var x4 = x3 + stride;
        var x5 = x4 + stride;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default;
            Vector512<float> a3 = default, b3 = default, a4 = default, b4 = default, a5 = default, b5 = default;
            for (var i = 0; i < k; i += 32)
            {
                var h = Vector512.Load((short*)(w + i));
                var lo = Raw(Vector512.WidenLower(h));
                var hi = Raw(Vector512.WidenUpper(h));
                a0 = Vector512.FusedMultiplyAdd(lo, Vector512.Load(x0 + i), a0);
                b0 = Vector512.FusedMultiplyAdd(hi, Vector512.Load(x0 + i + 16), b0);
                a1 = Vector512.FusedMultiplyAdd(lo, Vector512.Load(x1 + i), a1);
                b1 = Vector512.FusedMultiplyAdd(hi, Vector512.Load(x1 + i + 16), b1);
                if (inputs > 2)
                {
                    a2 = Vector512.FusedMultiplyAdd(lo, Vector512.Load(x2 + i), a2);
                    b2 = Vector512.FusedMultiplyAdd(hi, Vector512.Load(x2 + i + 16), b2);
                }

                if (inputs > 3)
                {
                    a3 = Vector512.FusedMultiplyAdd(lo, Vector512.Load(x3 + i), a3);
                    b3 = Vector512.FusedMultiplyAdd(hi, Vector512.Load(x3 + i + 16), b3);
                }

                if (inputs > 4)
                {
                    a4 = Vector512.FusedMultiplyAdd(lo, Vector512.Load(x4 + i), a4);
                    b4 = Vector512.FusedMultiplyAdd(hi, Vector512.Load(x4 + i + 16), b4);
                }

                if (inputs > 5)
                {
                    a5 = Vector512.FusedMultiplyAdd(lo, Vector512.Load(x5 + i), a5);
                    b5 = Vector512.FusedMultiplyAdd(hi, Vector512.Load(x5 + i + 16), b5);
                }
            }

            y[0] = Vector512.Sum(a0 + b0);
            y[yStride] = Vector512.Sum(a1 + b1);
            if (inputs > 2)
            {
                y[2 * yStride] = Vector512.Sum(a2 + b2);
            }

            if (inputs > 3)
            {
                y[3 * yStride] = Vector512.Sum(a3 + b3);
            }

            if (inputs > 4)
            {
                y[4 * yStride] = Vector512.Sum(a4 + b4);
            }

            if (inputs > 5)
            {
                y[5 * yStride] = Vector512.Sum(a5 + b5);
            }
        }
        else
        {
            Vector256<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
            for (var i = 0; i < k; i += 16)
            {
                var (l, u) = Vector256.Widen(Vector256.Load((short*)(w + i)));
                var lo = Raw(l);
                var hi = Raw(u);
                a0 = Vector256.FusedMultiplyAdd(lo, Vector256.Load(x0 + i), a0);
                b0 = Vector256.FusedMultiplyAdd(hi, Vector256.Load(x0 + i + 8), b0);
                a1 = Vector256.FusedMultiplyAdd(lo, Vector256.Load(x1 + i), a1);
                b1 = Vector256.FusedMultiplyAdd(hi, Vector256.Load(x1 + i + 8), b1);
                if (inputs > 2)
                {
                    a2 = Vector256.FusedMultiplyAdd(lo, Vector256.Load(x2 + i), a2);
                    b2 = Vector256.FusedMultiplyAdd(hi, Vector256.Load(x2 + i + 8), b2);
                }

                if (inputs > 3)
                {
                    a3 = Vector256.FusedMultiplyAdd(lo, Vector256.Load(x3 + i), a3);
                    b3 = Vector256.FusedMultiplyAdd(hi, Vector256.Load(x3 + i + 8), b3);
                }
            }

            y[0] = Vector256.Sum(a0 + b0);
            y[yStride] = Vector256.Sum(a1 + b1);
            if (inputs > 2)
            {
                y[2 * yStride] = Vector256.Sum(a2 + b2);
            }

            if (inputs > 3)
            {
                y[3 * yStride] = Vector256.Sum(a3 + b3);
            }
        }
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
