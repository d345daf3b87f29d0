using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Kernels;

/// <summary>
/// C (M × N) = A (M × K, values already rounded to f16) · Wᵀ for an f16 W, each output summed exactly as ggml-cpu's
/// ggml_vec_dot_f16 does on AVX-512: four 16-lane fused multiply-add accumulators over the first K &amp; ~63 values,
/// folded (0+2, 1+3, then 0+1) and reduced as _mm512_reduce_add_ps, then the remaining products added one by one in
/// double. The encoder's convolutions use it: their outputs feed the first layer norm, and an f32 last-bit difference
/// there moves activations across q8 rounding boundaries in a quantized model's first projections.
/// </summary>
internal static unsafe class F16ExactMatMul
{
    private const int Lanes = 16;
    private const int Step = 4 * Lanes;

    public static void Multiply(float* a, int m, GgmlTensor weight, float* c, int threads)
    {
        var k = weight.MatrixColumns;
        var n = weight.MatrixRows;
        var w = new float[(long)n * k];
        for (var j = 0; j < n; j++)
        {
            weight.ReadMatrixRow(j, w.AsSpan(j * k, k));
        }

        var aAddress = (nint)a;
        var cAddress = (nint)c;
        Parallel.For(0, m, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, row =>
        {
            fixed (float* wp = w)
            {
                var x = (float*)aAddress + (long)row * k;
                var y = (float*)cAddress + (long)row * n;
                for (var j = 0; j < n; j++)
                {
                    y[j] = Dot(x, wp + (long)j * k, k);
                }
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(float* x, float* y, int k)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return Dot256(x, y, k);
        }

        var np = k & ~(Step - 1);
        var s0 = Vector512<float>.Zero;
        var s1 = Vector512<float>.Zero;
        var s2 = Vector512<float>.Zero;
        var s3 = Vector512<float>.Zero;
        for (var i = 0; i < np; i += Step)
        {
            s0 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i), Vector512.Load(y + i), s0);
            s1 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i + Lanes), Vector512.Load(y + i + Lanes), s1);
            s2 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i + 2 * Lanes), Vector512.Load(y + i + 2 * Lanes), s2);
            s3 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i + 3 * Lanes), Vector512.Load(y + i + 3 * Lanes), s3);
        }

        double sum = ReduceAdd((s0 + s2) + (s1 + s3));
        for (var i = np; i < k; i++)
        {
            sum += x[i] * y[i]; // an f16 × f16 product is exact in float
        }

        return (float)sum;
    }

    /// <summary>
    /// output[j] = <see cref="Dot"/>(x, rows + j·stride, k) for j in [0, count): the encoder's exact attention scores, a
    /// query against every key. With AVX-512 and k = 64 (Whisper's head size), sixteen keys at a time: each key's
    /// products and folds as <see cref="Dot"/> takes them, then the sixteen reductions side by side (the same additions
    /// of the same pairs, so the same bits) instead of one full-width reduction per 64 products.
    /// </summary>
    public static void DotRows(float* x, float* rows, int stride, int count, int k, float* output)
    {
        var j = 0;
        if (Avx512F.IsSupported && k == Step)
        {
            var x0 = Vector512.Load(x);
            var x1 = Vector512.Load(x + Lanes);
            var x2 = Vector512.Load(x + 2 * Lanes);
            var x3 = Vector512.Load(x + 3 * Lanes);
            var keyOrder = Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
            for (; j + 16 <= count; j += 16)
            {
                var keys = rows + (long)j * stride;
                var t0 = FourQuarters(x0, x1, x2, x3, keys, stride);
                var t1 = FourQuarters(x0, x1, x2, x3, keys + 4L * stride, stride);
                var t2 = FourQuarters(x0, x1, x2, x3, keys + 8L * stride, stride);
                var t3 = FourQuarters(x0, x1, x2, x3, keys + 12L * stride, stride);

                // Per 128-bit lane g: (q0 + q2) + (q1 + q3) of keys g, 4 + g, 8 + g, 12 + g; then put the keys in order.
                var u01 = Avx512F.Shuffle(t0, t1, 0x44) + Avx512F.Shuffle(t0, t1, 0xEE);
                var u23 = Avx512F.Shuffle(t2, t3, 0x44) + Avx512F.Shuffle(t2, t3, 0xEE);
                var sums = Avx512F.Shuffle(u01, u23, 0x88) + Avx512F.Shuffle(u01, u23, 0xDD);
                Avx512F.PermuteVar16x32(sums, keyOrder).Store(output + j);
            }
        }

        for (; j < count; j++)
        {
            output[j] = Dot(x, rows + (long)j * stride, k);
        }
    }

    // Four keys' 128-bit quarters (ReduceAdd's second step), key i's in 128-bit lane i.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FourQuarters(Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, Vector512<float> x3, float* keys, int stride)
    {
        var halves01 = Halves(Folded(x0, x1, x2, x3, keys), Folded(x0, x1, x2, x3, keys + stride));
        var halves23 = Halves(Folded(x0, x1, x2, x3, keys + 2L * stride), Folded(x0, x1, x2, x3, keys + 3L * stride));
        return Avx512F.Shuffle4x128(halves01, halves23, 0x88) + Avx512F.Shuffle4x128(halves01, halves23, 0xDD);
    }

    // Dot's accumulators after one step of 64, folded (0 + 2) + (1 + 3).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Folded(Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, Vector512<float> x3, float* y) =>
        (Vector512.FusedMultiplyAdd(x0, Vector512.Load(y), Vector512<float>.Zero) + Vector512.FusedMultiplyAdd(x2, Vector512.Load(y + 2 * Lanes), Vector512<float>.Zero))
        + (Vector512.FusedMultiplyAdd(x1, Vector512.Load(y + Lanes), Vector512<float>.Zero) + Vector512.FusedMultiplyAdd(x3, Vector512.Load(y + 3 * Lanes), Vector512<float>.Zero));

    // Two keys' 256-bit halves (ReduceAdd's first step): a's in the lower half, b's in the upper.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Halves(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle4x128(a, b, 0x44) + Avx512F.Shuffle4x128(a, b, 0xEE);

    // The same sums for CPUs without AVX-512 (where Vector512 would run in software): each 16-lane accumulator as a
    // lower and an upper 8-lane half, the same lane-wise operations, and the reduction's first step (upper + lower
    // 256-bit half) taken on the halves.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot256(float* x, float* y, int k)
    {
        var np = k & ~(Step - 1);
        Vector256<float> s0 = default, s0u = default, s1 = default, s1u = default, s2 = default, s2u = default, s3 = default, s3u = default;
        for (var i = 0; i < np; i += Step)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i), Vector256.Load(y + i), s0);
            s0u = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 8), Vector256.Load(y + i + 8), s0u);
            s1 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + Lanes), Vector256.Load(y + i + Lanes), s1);
            s1u = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + Lanes + 8), Vector256.Load(y + i + Lanes + 8), s1u);
            s2 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 2 * Lanes), Vector256.Load(y + i + 2 * Lanes), s2);
            s2u = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 2 * Lanes + 8), Vector256.Load(y + i + 2 * Lanes + 8), s2u);
            s3 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 3 * Lanes), Vector256.Load(y + i + 3 * Lanes), s3);
            s3u = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 3 * Lanes + 8), Vector256.Load(y + i + 3 * Lanes + 8), s3u);
        }

        var half = ((s0u + s2u) + (s1u + s3u)) + ((s0 + s2) + (s1 + s3));
        var quarter = half.GetUpper() + half.GetLower();
        double sum = (quarter[0] + quarter[2]) + (quarter[1] + quarter[3]);
        for (var i = np; i < k; i++)
        {
            sum += x[i] * y[i];
        }

        return (float)sum;
    }

    // _mm512_reduce_add_ps as GCC expands it: upper + lower 256-bit halves, then 128-bit halves, then (0+2, 1+3), then the two.
    private static float ReduceAdd(Vector512<float> v)
    {
        var half = v.GetUpper() + v.GetLower();
        var quarter = half.GetUpper() + half.GetLower();
        return (quarter[0] + quarter[2]) + (quarter[1] + quarter[3]);
    }
}
