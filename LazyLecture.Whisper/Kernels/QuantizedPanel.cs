using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LazyLecture.Whisper.Kernels;

/// <summary>
/// Four quantized weight rows unpacked once into a scratch panel, then multiplied with up to four q8 activation rows
/// per pass, 16 (weight row, activation row) products in registers: the register-blocked tile of
/// <see cref="QuantizedMatMul"/> (AVX2 and up). Every output keeps <see cref="QuantizedDot"/>'s float arithmetic:
/// per block its 8 exact integer lane sums, acc[lane] = fma(dx·dy, lane, acc[lane]) block after block, summed as
/// hsum_float_8, plus Σ fma(m, s) for types with a minimum; only the integer instructions and which work is shared differ.
/// </summary>
/// <remarks>
/// Panel layout, one record per block of 32: the four rows' 32 values (bytes), then per row a second vector that
/// depends on the path, then the four scales dx and the four minimums m as f32. The second vector, for signed values:
/// with vpdpbusd (unsigned × signed) −128·Σw per lane of 4, so that dpbusd(−128·Σw, a + 128, w) = Σ a·w needs no
/// per-product sign fix-up; with AVX2's vpmaddubsw |w|, multiplied with a·sign(w) as in <see cref="QuantizedDot"/>.
/// </remarks>
internal static unsafe class QuantizedPanel
{
    /// <summary>Weight rows in one panel.</summary>
    public const int Rows = 4;

    /// <summary>Activation rows one kernel pass takes.</summary>
    public const int Inputs = 4;

    private const int BlockSize = Q8Activations.BlockSize;
    private const int SecondOffset = Rows * 32;
    private const int ScaleOffset = 2 * Rows * 32;
    private const int MinimumOffset = ScaleOffset + Rows * sizeof(float);
    private const int RecordBytes = MinimumOffset + Rows * sizeof(float);

    /// <summary>Scratch bytes a panel of rows <paramref name="k"/> long takes.</summary>
    public static int Bytes(int k) => k / BlockSize * RecordBytes;

    /// <summary>
    /// Unpacks weight rows row0 … row0 + 3 (rows past <paramref name="rows"/> repeat the last one; their outputs are
    /// dropped) into <paramref name="panel"/>.
    /// </summary>
    public static void Unpack<TBlock>(byte* weights, long rowBytes, int row0, int rows, int k, byte* panel)
        where TBlock : struct, QuantizedDot.IWeightBlock
    {
        var blocks = k / BlockSize;
        for (var r = 0; r < Rows; r++)
        {
            var source = weights + Math.Min(row0 + r, rows - 1) * rowBytes;
            var record = panel;
            for (var b = 0; b < blocks; b++, source += TBlock.Bytes, record += RecordBytes)
            {
                var w = TBlock.Unpack(source);
                w.Store((sbyte*)(record + r * 32));
                if (TBlock.IsSigned)
                {
                    var second = AvxVnni.IsSupported
                        ? (Vector256<int>.Zero - AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, Vector256.Create((byte)0x80), w)).AsSByte()
                        : Avx2.Abs(w).AsSByte();
                    second.Store((sbyte*)(record + SecondOffset + r * 32));
                }

                ((float*)(record + ScaleOffset))[r] = HalfConversion.ToSingle(*(ushort*)source);
                ((float*)(record + MinimumOffset))[r] = TBlock.HasMinimum ? HalfConversion.ToSingle(*(ushort*)(source + 2)) : 0f;
            }
        }
    }

    /// <summary>
    /// output[i·outputStride + r] = dot(panel row r, activation row i) for the four panel rows (only the first
    /// <paramref name="columns"/> stored) and <paramref name="count"/> activation rows <paramref name="stride"/> bytes apart.
    /// </summary>
    public static void Multiply<TBlock>(byte* panel, int k, byte* activations, int stride, int count, float* output, int outputStride, int columns)
        where TBlock : struct, QuantizedDot.IWeightBlock
    {
        var i = 0;
        for (; i + Inputs <= count; i += Inputs)
        {
            Kernel<TBlock, InputCount4>(panel, k, activations + (long)i * stride, stride, output + (long)i * outputStride, outputStride, columns);
        }

        var a = activations + (long)i * stride;
        var y = output + (long)i * outputStride;
        switch (count - i)
        {
            case 1: Kernel<TBlock, InputCount1>(panel, k, a, stride, y, outputStride, columns); break;
            case 2: Kernel<TBlock, InputCount2>(panel, k, a, stride, y, outputStride, columns); break;
            case 3: Kernel<TBlock, InputCount3>(panel, k, a, stride, y, outputStride, columns); break;
        }
    }

    // One pass: 4 × TInputs accumulators, each block's activation loaded once for the four rows and each unpacked row
    // once for the TInputs activations. Nothing but the stores follows the loop (see MatMul.Kernel512 on spills).
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Kernel<TBlock, TInputs>(byte* panel, int k, byte* a, int stride, float* output, int outputStride, int columns)
        where TBlock : struct, QuantizedDot.IWeightBlock
        where TInputs : struct, IInputCount
    {
        var inputs = TInputs.Count;
        var blocks = k / BlockSize;
        var q0 = (sbyte*)a;
        var q1 = q0 + stride;
        var q2 = q1 + stride;
        var q3 = q2 + stride;
        var d0 = Q8Activations.Scales(a, k);
        var d1 = (float*)((byte*)d0 + stride);
        var d2 = (float*)((byte*)d1 + stride);
        var d3 = (float*)((byte*)d2 + stride);
        var s0 = Q8Activations.Sums(a, k);
        var s1 = (float*)((byte*)s0 + stride);
        var s2 = (float*)((byte*)s1 + stride);
        var s3 = (float*)((byte*)s2 + stride);
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector128<float> m0 = default, m1 = default, m2 = default, m3 = default;
        var record = panel;
        for (var b = 0; b < blocks; b++, record += RecordBytes)
        {
            var o = b * BlockSize;
            var x = Vector256.Load(q0 + o);
            var dy = Vector256.Create(d0[b]);
            c00 = Accumulate<TBlock>(c00, record, 0, x, dy);
            c01 = Accumulate<TBlock>(c01, record, 1, x, dy);
            c02 = Accumulate<TBlock>(c02, record, 2, x, dy);
            c03 = Accumulate<TBlock>(c03, record, 3, x, dy);
            if (TBlock.HasMinimum)
            {
                m0 = Vector128.FusedMultiplyAdd(Vector128.Load((float*)(record + MinimumOffset)), Vector128.Create(s0[b]), m0);
            }

            if (inputs > 1)
            {
                x = Vector256.Load(q1 + o);
                dy = Vector256.Create(d1[b]);
                c10 = Accumulate<TBlock>(c10, record, 0, x, dy);
                c11 = Accumulate<TBlock>(c11, record, 1, x, dy);
                c12 = Accumulate<TBlock>(c12, record, 2, x, dy);
                c13 = Accumulate<TBlock>(c13, record, 3, x, dy);
                if (TBlock.HasMinimum)
                {
                    m1 = Vector128.FusedMultiplyAdd(Vector128.Load((float*)(record + MinimumOffset)), Vector128.Create(s1[b]), m1);
                }
            }

            if (inputs > 2)
            {
                x = Vector256.Load(q2 + o);
                dy = Vector256.Create(d2[b]);
                c20 = Accumulate<TBlock>(c20, record, 0, x, dy);
                c21 = Accumulate<TBlock>(c21, record, 1, x, dy);
                c22 = Accumulate<TBlock>(c22, record, 2, x, dy);
                c23 = Accumulate<TBlock>(c23, record, 3, x, dy);
                if (TBlock.HasMinimum)
                {
                    m2 = Vector128.FusedMultiplyAdd(Vector128.Load((float*)(record + MinimumOffset)), Vector128.Create(s2[b]), m2);
                }
            }

            if (inputs > 3)
            {
                x = Vector256.Load(q3 + o);
                dy = Vector256.Create(d3[b]);
                c30 = Accumulate<TBlock>(c30, record, 0, x, dy);
                c31 = Accumulate<TBlock>(c31, record, 1, x, dy);
                c32 = Accumulate<TBlock>(c32, record, 2, x, dy);
                c33 = Accumulate<TBlock>(c33, record, 3, x, dy);
                if (TBlock.HasMinimum)
                {
                    m3 = Vector128.FusedMultiplyAdd(Vector128.Load((float*)(record + MinimumOffset)), Vector128.Create(s3[b]), m3);
                }
            }
        }

        Store(output, columns, c00, c01, c02, c03, m0);
        if (inputs > 1)
        {
            Store(output + outputStride, columns, c10, c11, c12, c13, m1);
        }

        if (inputs > 2)
        {
            Store(output + 2 * outputStride, columns, c20, c21, c22, c23, m2);
        }

        if (inputs > 3)
        {
            Store(output + 3 * outputStride, columns, c30, c31, c32, c33, m3);
        }
    }

    // acc = fma(dx·dy, Σ per lane of w·a, acc) for panel row r; x is the activation block as quantized.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Accumulate<TBlock>(Vector256<float> acc, byte* record, int r, Vector256<sbyte> x, Vector256<float> dy)
        where TBlock : struct, QuantizedDot.IWeightBlock
    {
        var w = Vector256.Load((sbyte*)(record + r * 32));
        Vector256<int> sums;
        if (TBlock.IsSigned)
        {
            var second = Vector256.Load((sbyte*)(record + SecondOffset + r * 32));
            sums = AvxVnni.IsSupported
                ? AvxVnni.MultiplyWideningAndAdd(second.AsInt32(), (x ^ Vector256.Create(unchecked((sbyte)0x80))).AsByte(), w)
                : Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(second.AsByte(), Avx2.Sign(x, w)), Vector256.Create((short)1));
        }
        else
        {
            sums = AvxVnni.IsSupported
                ? AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, w.AsByte(), x)
                : Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(w.AsByte(), x), Vector256.Create((short)1));
        }

        var scale = Vector256.Create(((float*)(record + ScaleOffset))[r]) * dy;
        return Vector256.FusedMultiplyAdd(scale, Vector256.ConvertToSingle(sums), acc);
    }

    private static void Store(float* output, int columns, Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3, Vector128<float> minimums)
    {
        output[0] = QuantizedDot.SumLanes(a0) + minimums.GetElement(0);
        if (columns > 1)
        {
            output[1] = QuantizedDot.SumLanes(a1) + minimums.GetElement(1);
        }

        if (columns > 2)
        {
            output[2] = QuantizedDot.SumLanes(a2) + minimums.GetElement(2);
        }

        if (columns > 3)
        {
            output[3] = QuantizedDot.SumLanes(a3) + minimums.GetElement(3);
        }
    }
}
