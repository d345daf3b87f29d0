using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Kernels;

/// <summary>
/// y = W · x for quantized W and one or several q8 activation rows (decoding: one per beam), reading each weight
/// block once for all of them. One input: four weight rows per pass, so each activation block is loaded once for
/// four rows and the four rows' f16 scales are converted together. Several inputs: four rows unpacked into a panel,
/// then <see cref="QuantizedPanel"/>'s register tiles. Every output has the bits of <see cref="QuantizedDot"/>'s
/// dot product for that row and input alone (same float operations in the same order; the integer sums are exact).
/// </summary>
internal static unsafe class QuantizedMatVec
{
    private const int BlockSize = Q8Activations.BlockSize;
    private const int Rows = QuantizedPanel.Rows;

    /// <summary>How far ahead of the rows being multiplied the four-row pass prefetches: the pass after next.</summary>
    private const int PrefetchRows = 2 * Rows;

    /// <summary>
    /// output[i·outputStride + r] = dot(W row r, activation row i) for rows r in [start, end) and <paramref name="count"/>
    /// activation rows (<see cref="Q8Activations"/>) <paramref name="stride"/> bytes apart.
    /// </summary>
    public static void Multiply(GgmlTensor weight, byte* activations, int stride, int count, float* output, int outputStride, int start, int end)
    {
        switch (weight.Type)
        {
            case GgmlType.Q4_0: Multiply<QuantizedDot.Q4_0Block>(weight, activations, stride, count, output, outputStride, start, end); break;
            case GgmlType.Q4_1: Multiply<QuantizedDot.Q4_1Block>(weight, activations, stride, count, output, outputStride, start, end); break;
            case GgmlType.Q5_0: Multiply<QuantizedDot.Q5_0Block>(weight, activations, stride, count, output, outputStride, start, end); break;
            case GgmlType.Q5_1: Multiply<QuantizedDot.Q5_1Block>(weight, activations, stride, count, output, outputStride, start, end); break;
            case GgmlType.Q8_0: Multiply<QuantizedDot.Q8_0Block>(weight, activations, stride, count, output, outputStride, start, end); break;
            default: throw new ArgumentOutOfRangeException(nameof(weight), weight.Type, "Not a quantized type.");
        }
    }

    private static void Multiply<TBlock>(GgmlTensor weight, byte* activations, int stride, int count, float* output, int outputStride, int start, int end)
        where TBlock : struct, QuantizedDot.IWeightBlock
    {
        var k = weight.RowLength;
        var rowBytes = weight.RowBytes;
        var n = start;
        if (Avx2.IsSupported && count == 1)
        {
            for (; n + Rows <= end; n += Rows)
            {
                FourRows<TBlock>(weight.RowPointer(n), rowBytes, k, activations, output + n);
            }
        }
        else if (Avx2.IsSupported)
        {
            var scratch = stackalloc byte[QuantizedPanel.Bytes(k) + 32];
            var panel = (byte*)(((nint)scratch + 31) & ~(nint)31);
            for (; n + Rows <= end; n += Rows)
            {
                QuantizedPanel.Unpack<TBlock>(weight.RowPointer(n), rowBytes, 0, Rows, k, panel);
                QuantizedPanel.Multiply<TBlock>(panel, k, activations, stride, count, output + n, outputStride, Rows);
            }
        }

        for (; n < end; n++)
        {
            QuantizedDot.Dot(weight.Type, weight.RowPointer(n), k, activations, stride, count, output + n, outputStride);
        }
    }

    // Rows w, w + rowBytes, …, w + 3·rowBytes against one activation row: y[0..3].
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void FourRows<TBlock>(byte* w, long rowBytes, int k, byte* a, float* y)
        where TBlock : struct, QuantizedDot.IWeightBlock
    {
        var blocks = k / BlockSize;
        var w0 = w;
        var w1 = w0 + rowBytes;
        var w2 = w1 + rowBytes;
        var w3 = w2 + rowBytes;
        var q = (sbyte*)a;
        var d = Q8Activations.Scales(a, k);
        var s = Q8Activations.Sums(a, k);
        Vector256<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        var minimums = Vector128<float>.Zero;
        var ahead = PrefetchRows * rowBytes;
        for (var b = 0; b < blocks; b++)
        {
            // Four interleaved streams of odd-sized blocks defeat the hardware prefetcher: a q8_0 matrix larger than the
            // cache streamed at a quarter of the f16 kernel's bandwidth. Ask for the same block PrefetchRows rows on
            // (past the matrix's end for its last rows: a prefetch never faults, so no bound is checked).
            Sse.Prefetch0(w0 + ahead);
            Sse.Prefetch0(w1 + ahead);
            Sse.Prefetch0(w2 + ahead);
            Sse.Prefetch0(w3 + ahead);
            var x = Vector256.Load(q + b * BlockSize);
            var scales = HalfToSingle(w0, w1, w2, w3) * Vector128.Create(d[b]);
            acc0 = Accumulate<TBlock>(acc0, w0, x, Lane(scales, 0));
            acc1 = Accumulate<TBlock>(acc1, w1, x, Lane(scales, 1));
            acc2 = Accumulate<TBlock>(acc2, w2, x, Lane(scales, 2));
            acc3 = Accumulate<TBlock>(acc3, w3, x, Lane(scales, 3));
            if (TBlock.HasMinimum)
            {
                minimums = Vector128.FusedMultiplyAdd(HalfToSingle(w0 + 2, w1 + 2, w2 + 2, w3 + 2), Vector128.Create(s[b]), minimums);
            }

            w0 += TBlock.Bytes;
            w1 += TBlock.Bytes;
            w2 += TBlock.Bytes;
            w3 += TBlock.Bytes;
        }

        y[0] = QuantizedDot.SumLanes(acc0) + minimums.GetElement(0);
        y[1] = QuantizedDot.SumLanes(acc1) + minimums.GetElement(1);
        y[2] = QuantizedDot.SumLanes(acc2) + minimums.GetElement(2);
        y[3] = QuantizedDot.SumLanes(acc3) + minimums.GetElement(3);
    }

    // acc = fma(dx·dy, Σ per lane of w·a, acc) for the block at w. Signed values with vpdpbusd: Σ (a + 128)·w − 128·Σw,
    // both exact in int32, which spares the per-input sign fix-up; AVX2 multiplies |w| with a·sign(w).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Accumulate<TBlock>(Vector256<float> acc, byte* block, Vector256<sbyte> x, Vector256<float> scale)
        where TBlock : struct, QuantizedDot.IWeightBlock
    {
        var w = TBlock.Unpack(block);
        Vector256<int> sums;
        if (TBlock.IsSigned)
        {
            sums = AvxVnni.IsSupported
                ? AvxVnni.MultiplyWideningAndAdd(
                    Vector256<int>.Zero - AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, Vector256.Create((byte)0x80), w),
                    (x ^ Vector256.Create(unchecked((sbyte)0x80))).AsByte(),
                    w)
                : Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Avx2.Abs(w), Avx2.Sign(x, w)), Vector256.Create((short)1));
        }
        else
        {
            sums = AvxVnni.IsSupported
                ? AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, w.AsByte(), x)
                : Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(w.AsByte(), x), Vector256.Create((short)1));
        }

        return Vector256.FusedMultiplyAdd(scale, Vector256.ConvertToSingle(sums), acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Lane(Vector128<float> values, int lane) =>
        Avx2.PermuteVar8x32(values.ToVector256Unsafe(), Vector256.Create(lane));

    // Four f16 values (at the given addresses) as f32, exactly: the bits moved into f32 position read as value·2^-112
    // (subnormals included), so one multiply by 2^112 restores them; an all-ones exponent (infinity, NaN) becomes f32's.
    // No call and no branch: a call in the loop would make the JIT keep the accumulators on the stack.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> HalfToSingle(byte* h0, byte* h1, byte* h2, byte* h3)
    {
        var bits = Vector128.Create((int)*(ushort*)h0, *(ushort*)h1, *(ushort*)h2, *(ushort*)h3);
        var shifted = (bits & Vector128.Create(0x7FFF)) << 13;
        var finite = shifted.AsSingle() * Vector128.Create(MatVec.HalfScale);
        var infinityOrNaN = (shifted | Vector128.Create(0x7F800000)).AsSingle();
        var isInfinityOrNaN = Vector128.Equals(bits & Vector128.Create(0x7C00), Vector128.Create(0x7C00)).AsSingle();
        var magnitude = Vector128.ConditionalSelect(isInfinityOrNaN, infinityOrNaN, finite);
        return magnitude | ((bits & Vector128.Create(0x8000)) << 16).AsSingle();
    }
}
