using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Kernels;

/// <summary>The instructions <see cref="QuantizedDot"/> multiplies 8-bit integers with.</summary>
internal enum IntegerDotInstructions
{
    /// <summary>Plain loops (no SIMD).</summary>
    Scalar,

    /// <summary>AVX2's vpmaddubsw + vpmaddwd.</summary>
    Avx2,

    /// <summary>vpdpbusd (AVX-VNNI; EVEX-encoded where AVX-512 VNNI is present).</summary>
    AvxVnni,
}

/// <summary>
/// Dot products of quantized weight rows (q4_0, q4_1, q5_0, q5_1, q8_0 blocks as stored in the file) with activation
/// rows quantized by <see cref="Q8Activations"/>, in integers, as ggml-cpu's ggml_vec_dot_q*_q8_* (x86 path) take them:
/// per block of 32 the integer products are summed in 8 lanes of 4 neighbours, each lane converted to f32 and
/// accumulated as acc[lane] = fma(dx·dy, lane, acc[lane]) block after block; the 8 accumulators are then added
/// as ((a0+a4)+(a2+a6)) + ((a1+a5)+(a3+a7)), and for q4_1/q5_1 the Σ m·s term (fused multiply-adds, block after
/// block) is added last. Every path (<see cref="Instructions"/>) gives the same bits: the integer sums are exact
/// and the float operations are the same in the same order.
/// </summary>
internal static unsafe class QuantizedDot
{
    private const int BlockSize = Q8Activations.BlockSize;

    /// <summary>The path this process takes.</summary>
    public static IntegerDotInstructions Instructions =>
        AvxVnni.IsSupported ? IntegerDotInstructions.AvxVnni : Avx2.IsSupported ? IntegerDotInstructions.Avx2 : IntegerDotInstructions.Scalar;

    public static bool IsQuantized(GgmlType type) => type is GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q5_0 or GgmlType.Q5_1 or GgmlType.Q8_0;

    /// <summary>
    /// output[i·outputStride] = dot(row, activation row i) for <paramref name="count"/> activation rows of k values
    /// <paramref name="activationStride"/> bytes apart. The weight row is unpacked once per block for all of them.
    /// </summary>
    public static void Dot(GgmlType type, byte* row, int k, byte* activations, int activationStride, int count, float* output, int outputStride)
    {
        switch (type)
        {
            case GgmlType.Q4_0: Dot<Q4_0Block>(row, k, activations, activationStride, count, output, outputStride); break;
            case GgmlType.Q4_1: Dot<Q4_1Block>(row, k, activations, activationStride, count, output, outputStride); break;
            case GgmlType.Q5_0: Dot<Q5_0Block>(row, k, activations, activationStride, count, output, outputStride); break;
            case GgmlType.Q5_1: Dot<Q5_1Block>(row, k, activations, activationStride, count, output, outputStride); break;
            case GgmlType.Q8_0: Dot<Q8_0Block>(row, k, activations, activationStride, count, output, outputStride); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "Not a quantized type.");
        }
    }

    private static void Dot<TBlock>(byte* row, int k, byte* activations, int stride, int count, float* output, int outputStride)
        where TBlock : struct, IWeightBlock
    {
        if (!Avx2.IsSupported)
        {
            for (var i = 0; i < count; i++)
            {
                output[(long)i * outputStride] = DotScalar<TBlock>(row, k, activations + (long)i * stride);
            }

            return;
        }

        var i0 = 0;
        for (; i0 + 4 <= count; i0 += 4)
        {
            DotVector<TBlock, InputCount4>(row, k, activations + (long)i0 * stride, stride, output + (long)i0 * outputStride, outputStride);
        }

        switch (count - i0)
        {
            case 1: DotVector<TBlock, InputCount1>(row, k, activations + (long)i0 * stride, stride, output + (long)i0 * outputStride, outputStride); break;
            case 2: DotVector<TBlock, InputCount2>(row, k, activations + (long)i0 * stride, stride, output + (long)i0 * outputStride, outputStride); break;
            case 3: DotVector<TBlock, InputCount3>(row, k, activations + (long)i0 * stride, stride, output + (long)i0 * outputStride, outputStride); break;
        }
    }

    // Up to four activation rows against one weight row; TInputs.Count is a constant to the JIT, so the unused
    // accumulators and branches compile away.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotVector<TBlock, TInputs>(byte* row, int k, byte* a, int stride, float* output, int outputStride)
        where TBlock : struct, IWeightBlock
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
        Vector256<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        float m0 = 0, m1 = 0, m2 = 0, m3 = 0;
        var block = row;
        for (var b = 0; b < blocks; b++, block += TBlock.Bytes)
        {
            var w = TBlock.Unpack(block);
            var dx = HalfConversion.ToSingle(*(ushort*)block);
            var o = b * BlockSize;
            acc0 = Vector256.FusedMultiplyAdd(Vector256.Create(dx * d0[b]), Vector256.ConvertToSingle(MultiplySum<TBlock>(w, Vector256.Load(q0 + o))), acc0);
            if (inputs > 1)
            {
                acc1 = Vector256.FusedMultiplyAdd(Vector256.Create(dx * d1[b]), Vector256.ConvertToSingle(MultiplySum<TBlock>(w, Vector256.Load(q1 + o))), acc1);
            }

            if (inputs > 2)
            {
                acc2 = Vector256.FusedMultiplyAdd(Vector256.Create(dx * d2[b]), Vector256.ConvertToSingle(MultiplySum<TBlock>(w, Vector256.Load(q2 + o))), acc2);
            }

            if (inputs > 3)
            {
                acc3 = Vector256.FusedMultiplyAdd(Vector256.Create(dx * d3[b]), Vector256.ConvertToSingle(MultiplySum<TBlock>(w, Vector256.Load(q3 + o))), acc3);
            }

            if (TBlock.HasMinimum)
            {
                var mx = HalfConversion.ToSingle(*(ushort*)(block + 2));
                m0 = MathF.FusedMultiplyAdd(mx, s0[b], m0);
                if (inputs > 1)
                {
                    m1 = MathF.FusedMultiplyAdd(mx, s1[b], m1);
                }

                if (inputs > 2)
                {
                    m2 = MathF.FusedMultiplyAdd(mx, s2[b], m2);
                }

                if (inputs > 3)
                {
                    m3 = MathF.FusedMultiplyAdd(mx, s3[b], m3);
                }
            }
        }

        output[0] = SumLanes(acc0) + m0;
        if (inputs > 1)
        {
            output[outputStride] = SumLanes(acc1) + m1;
        }

        if (inputs > 2)
        {
            output[2 * outputStride] = SumLanes(acc2) + m2;
        }

        if (inputs > 3)
        {
            output[3 * outputStride] = SumLanes(acc3) + m3;
        }
    }

    // Eight int32 lanes, lane l = Σ w[4l..4l+3]·a[4l..4l+3]: signed weights through |w| and a·sign(w) (ggml's
    // mul_sum_i8_pairs_float), unsigned ones (q4_1, q5_1) directly. No int16 step can saturate: |w·a| ≤ 127·127.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> MultiplySum<TBlock>(Vector256<sbyte> w, Vector256<sbyte> a)
        where TBlock : struct, IWeightBlock
    {
        if (TBlock.IsSigned)
        {
            return MultiplySumUnsigned(Avx2.Abs(w), Avx2.Sign(a, w));
        }

        return MultiplySumUnsigned(w.AsByte(), a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> MultiplySumUnsigned(Vector256<byte> u, Vector256<sbyte> s)
    {
        if (AvxVnni.IsSupported)
        {
            return AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, u, s);
        }

        return Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, s), Vector256.Create((short)1));
    }

    // ggml's hsum_float_8: upper + lower half, then (r0 + r2) + (r1 + r3).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float SumLanes(Vector256<float> acc)
    {
        var r = acc.GetUpper() + acc.GetLower();
        return (r.GetElement(0) + r.GetElement(2)) + (r.GetElement(1) + r.GetElement(3));
    }

    /// <summary>The same dot product in plain loops: the path of CPUs without AVX2 and the reference for the others.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DotScalar<TBlock>(byte* row, int k, byte* a)
        where TBlock : struct, IWeightBlock
    {
        var quants = Q8Activations.Quants(a);
        var scales = Q8Activations.Scales(a, k);
        var sums = Q8Activations.Sums(a, k);
        var acc = stackalloc float[8];
        new Span<float>(acc, 8).Clear();
        var values = stackalloc int[BlockSize];
        var minimumSum = 0f;
        var block = row;
        for (var b = 0; b < k / BlockSize; b++, block += TBlock.Bytes)
        {
            TBlock.Unpack(block, values);
            var dd = HalfConversion.ToSingle(*(ushort*)block) * scales[b];
            for (var lane = 0; lane < 8; lane++)
            {
                var sum = 0;
                for (var j = 4 * lane; j < 4 * lane + 4; j++)
                {
                    sum += values[j] * quants[b * BlockSize + j];
                }

                acc[lane] = MathF.FusedMultiplyAdd(dd, sum, acc[lane]);
            }

            if (TBlock.HasMinimum)
            {
                minimumSum = MathF.FusedMultiplyAdd(HalfConversion.ToSingle(*(ushort*)(block + 2)), sums[b], minimumSum);
            }
        }

        return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7])) + minimumSum;
    }

    /// <summary>One ggml block type: its size, whether its values are signed, and how its 32 values unpack.</summary>
    internal interface IWeightBlock
    {
        static abstract int Bytes { get; }

        /// <summary>Signed values (q4_0, q5_0, q8_0) rather than unsigned ones with a minimum m (q4_1, q5_1).</summary>
        static abstract bool IsSigned { get; }

        static abstract bool HasMinimum { get; }

        /// <summary>The 32 values as bytes (AVX2).</summary>
        static abstract Vector256<sbyte> Unpack(byte* block);

        /// <summary>The 32 values as integers (scalar path).</summary>
        static abstract void Unpack(byte* block, int* values);
    }

    internal struct Q4_0Block : IWeightBlock
    {
        public static int Bytes => 18;

        public static bool IsSigned => true;

        public static bool HasMinimum => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<sbyte> Unpack(byte* block) => (Nibbles(block + 2) - Vector256.Create((byte)8)).AsSByte();

        public static void Unpack(byte* block, int* values)
        {
            for (var j = 0; j < 16; j++)
            {
                values[j] = (block[2 + j] & 0x0F) - 8;
                values[j + 16] = (block[2 + j] >> 4) - 8;
            }
        }
    }

    internal struct Q4_1Block : IWeightBlock
    {
        public static int Bytes => 20;

        public static bool IsSigned => false;

        public static bool HasMinimum => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<sbyte> Unpack(byte* block) => Nibbles(block + 4).AsSByte();

        public static void Unpack(byte* block, int* values)
        {
            for (var j = 0; j < 16; j++)
            {
                values[j] = block[4 + j] & 0x0F;
                values[j + 16] = block[4 + j] >> 4;
            }
        }
    }

    internal struct Q5_0Block : IWeightBlock
    {
        public static int Bytes => 22;

        public static bool IsSigned => true;

        public static bool HasMinimum => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<sbyte> Unpack(byte* block) =>
            ((Nibbles(block + 6) | FifthBits(*(uint*)(block + 2))) - Vector256.Create((byte)16)).AsSByte();

        public static void Unpack(byte* block, int* values)
        {
            var high = *(uint*)(block + 2);
            for (var j = 0; j < 16; j++)
            {
                values[j] = ((block[6 + j] & 0x0F) | (int)(((high >> j) & 1) << 4)) - 16;
                values[j + 16] = ((block[6 + j] >> 4) | (int)(((high >> (j + 16)) & 1) << 4)) - 16;
            }
        }
    }

    internal struct Q5_1Block : IWeightBlock
    {
        public static int Bytes => 24;

        public static bool IsSigned => false;

        public static bool HasMinimum => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<sbyte> Unpack(byte* block) => (Nibbles(block + 8) | FifthBits(*(uint*)(block + 4))).AsSByte();

        public static void Unpack(byte* block, int* values)
        {
            var high = *(uint*)(block + 4);
            for (var j = 0; j < 16; j++)
            {
                values[j] = (block[8 + j] & 0x0F) | (int)(((high >> j) & 1) << 4);
                values[j + 16] = (block[8 + j] >> 4) | (int)(((high >> (j + 16)) & 1) << 4);
            }
        }
    }

    internal struct Q8_0Block : IWeightBlock
    {
        public static int Bytes => 34;

        public static bool IsSigned => true;

        public static bool HasMinimum => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<sbyte> Unpack(byte* block) => Vector256.Load((sbyte*)(block + 2));

        public static void Unpack(byte* block, int* values)
        {
            for (var j = 0; j < BlockSize; j++)
            {
                values[j] = ((sbyte*)block)[2 + j];
            }
        }
    }

    // 16 bytes of nibble pairs → 32 bytes: the low nibbles (values 0–15) then the high nibbles (values 16–31).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Nibbles(byte* packed)
    {
        var bytes = Vector128.Load(packed);
        var mask = Vector128.Create((byte)0x0F);
        return Vector256.Create(bytes & mask, Vector128.ShiftRightLogical(bytes.AsUInt16(), 4).AsByte() & mask);
    }

    // Bit j of qh → 0x10 in byte j: each byte picks the qh byte holding its bit, then tests its own bit.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> FifthBits(uint qh)
    {
        var spread = Avx2.Shuffle(Vector256.Create(qh).AsByte(), Vector256.Create(
            (byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
        var bit = Vector256.Create((byte)1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);
        return Vector256.Equals(spread & bit, bit) & Vector256.Create((byte)0x10);
    }
}
