using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LazyLecture.Whisper.Kernels;

/// <summary>ggml_soft_max_ext without mask: softmax(scale · x) over a row, in place, with a vectorised expf.</summary>
internal static unsafe class Softmax
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    private const float MinInput = -87.3f;
    private const float MaxInput = 88.3f;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(Span<float> row, float scale)
    {
        if (row.IsEmpty)
        {
            return;
        }

        if (scale != 1f)
        {
            TensorPrimitives.Multiply(row, scale, row);
        }

        var max = TensorPrimitives.Max(row);
        var n = row.Length;
        var i = 0;
        var sum = 0f;
        fixed (float* x = row)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                var acc = Vector512<float>.Zero;
                var shift = Vector512.Create(max);
                for (; i + 16 <= n; i += 16)
                {
                    var e = Exp(Vector512.Load(x + i) - shift);
                    e.Store(x + i);
                    acc += e;
                }

                sum = Vector512.Sum(acc);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                var acc = Vector256<float>.Zero;
                var shift = Vector256.Create(max);
                for (; i + 8 <= n; i += 8)
                {
                    var e = Exp(Vector256.Load(x + i) - shift);
                    e.Store(x + i);
                    acc += e;
                }

                sum = Vector256.Sum(acc);
            }

            for (; i < n; i++)
            {
                var e = MathF.Exp(x[i] - max);
                x[i] = e;
                sum += e;
            }
        }

        TensorPrimitives.Multiply(row, 1f / sum, row);
    }

    /// <summary>Cephes-style expf: 2^n · p(r) with r = x − n·ln2 in two parts; relative error about 1e-7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(MinInput)), Vector512.Create(MaxInput));
        var n = Vector512.Floor(Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(0.5f)));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        var pow2 = (Vector512.ConvertToInt32(n) + Vector512.Create(127)) << 23;
        return p * pow2.AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(MinInput)), Vector256.Create(MaxInput));
        var n = Vector256.Floor(Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(0.5f)));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.Create(1.9875691500e-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        p = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
        var pow2 = (Vector256.ConvertToInt32(n) + Vector256.Create(127)) << 23;
        return p * pow2.AsSingle();
    }

    /// <summary>
    /// ggml_soft_max_ext without mask, bit for bit as ggml-cpu computes it with AVX-512: 16 lanes at a time through
    /// ggml_v_expf, each block's sum (reduced as _mm512_reduce_add_ps) added to a double, the remainder through expf,
    /// then every value times (float)(1 / sum). Results below 2^-126 are flushed to zero here (scalef keeps them as
    /// subnormals), which no later stage can see: the probabilities are rounded to f16 before they are used.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ApplyExact(Span<float> row, float scale)
    {
        TensorPrimitives.Multiply(row, scale, row);
        var max = TensorPrimitives.Max(row);
        var n = row.Length;
        var i = 0;
        var sum = 0.0;
        fixed (float* x = row)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                var shift = Vector512.Create(max);
                for (; i + 16 <= n; i += 16)
                {
                    var e = GgmlExp(Vector512.Load(x + i) - shift);
                    e.Store(x + i);
                    var half = e.GetUpper() + e.GetLower();
                    var quarter = half.GetUpper() + half.GetLower();
                    sum += (quarter[0] + quarter[2]) + (quarter[1] + quarter[3]);
                }
            }
            else
            {
                // Without AVX-512 (Vector512 would run in software): the same 16-value blocks as two 8-lane halves.
                var shift = Vector256.Create(max);
                for (; i + 16 <= n; i += 16)
                {
                    var lower = GgmlExp(Vector256.Load(x + i) - shift);
                    var upper = GgmlExp(Vector256.Load(x + i + 8) - shift);
                    lower.Store(x + i);
                    upper.Store(x + i + 8);
                    var half = upper + lower;
                    var quarter = half.GetUpper() + half.GetLower();
                    sum += (quarter[0] + quarter[2]) + (quarter[1] + quarter[3]);
                }
            }

            for (; i < n; i++)
            {
                var e = MathF.Exp(x[i] - max);
                x[i] = e;
                sum += e;
            }
        }

        TensorPrimitives.Multiply(row, (float)(1.0 / sum), row);
    }

    // ggml_v_expf's constants, as the hexadecimal float literals of its source give them.
    private static readonly float GgmlRoundingShift = BitConverter.Int32BitsToSingle(0x4b400000); // 0x1.8p23f
    private static readonly float GgmlLog2EBits = BitConverter.Int32BitsToSingle(0x3fb8aa3b); // 0x1.715476p+0f
    private static readonly float GgmlLn2LowBits = BitConverter.Int32BitsToSingle(0x35bfbe8e); // 0x1.7f7d1cp-20f
    private static readonly float GgmlLn2HighBits = BitConverter.Int32BitsToSingle(0x3f317200); // 0x1.62e4p-1f
    private static readonly float GgmlC5 = BitConverter.Int32BitsToSingle(0x3c072010); // 0x1.0e4020p-7f
    private static readonly float GgmlC4 = BitConverter.Int32BitsToSingle(0x3d2b9f17); // 0x1.573e2ep-5f
    private static readonly float GgmlC3 = BitConverter.Int32BitsToSingle(0x3e2aaf33); // 0x1.555e66p-3f
    private static readonly float GgmlC2 = BitConverter.Int32BitsToSingle(0x3efffedb); // 0x1.fffdb6p-2f
    private static readonly float GgmlC1 = BitConverter.Int32BitsToSingle(0x3f7ffff6); // 0x1.ffffecp-1f

    // ggml_v_expf (AVX-512): n = round(x·log2 e) by the 1.5·2^23 trick, b = x − n·ln2 in two fused steps, a degree-5
    // polynomial in b, scaled by 2^n; |n| > 192 gives ggml's special values.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> GgmlExp(Vector512<float> x)
    {
        var r = Vector512.Create(GgmlRoundingShift);
        var z = Vector512.FusedMultiplyAdd(x, Vector512.Create(GgmlLog2EBits), r);
        var n = z - r;
        var b = Vector512.FusedMultiplyAdd(-n, Vector512.Create(GgmlLn2LowBits), Vector512.FusedMultiplyAdd(-n, Vector512.Create(GgmlLn2HighBits), x));
        var u = b * b;
        var j = Vector512.FusedMultiplyAdd(
            Vector512.FusedMultiplyAdd(
                Vector512.FusedMultiplyAdd(Vector512.Create(GgmlC5), b, Vector512.Create(GgmlC4)),
                u,
                Vector512.FusedMultiplyAdd(Vector512.Create(GgmlC3), b, Vector512.Create(GgmlC2))),
            u,
            Vector512.FusedMultiplyAdd(Vector512.Create(GgmlC1), b, Vector512<float>.One));
        var exponent = Vector512.Min(Vector512.Max(Vector512.ConvertToInt32(n), Vector512.Create(-127)), Vector512.Create(127));
        var result = j * ((exponent + Vector512.Create(127)) << 23).AsSingle();
        var special = Vector512.GreaterThan(Vector512.Abs(n), Vector512.Create(192f));
        if (special == Vector512<float>.Zero)
        {
            return result;
        }

        // _mm512_mask_blend_ps(n <= 0, +inf, 0) takes its second operand where the mask is set: 0 for n <= 0, +inf above.
        var alternative = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(n, Vector512<float>.Zero), Vector512<float>.Zero, Vector512.Create(float.PositiveInfinity));
        return Vector512.ConditionalSelect(special, alternative, result);
    }

    // GgmlExp on 8 lanes: the same operations lane by lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> GgmlExp(Vector256<float> x)
    {
        var r = Vector256.Create(GgmlRoundingShift);
        var z = Vector256.FusedMultiplyAdd(x, Vector256.Create(GgmlLog2EBits), r);
        var n = z - r;
        var b = Vector256.FusedMultiplyAdd(-n, Vector256.Create(GgmlLn2LowBits), Vector256.FusedMultiplyAdd(-n, Vector256.Create(GgmlLn2HighBits), x));
        var u = b * b;
        var j = Vector256.FusedMultiplyAdd(
            Vector256.FusedMultiplyAdd(
                Vector256.FusedMultiplyAdd(Vector256.Create(GgmlC5), b, Vector256.Create(GgmlC4)),
                u,
                Vector256.FusedMultiplyAdd(Vector256.Create(GgmlC3), b, Vector256.Create(GgmlC2))),
            u,
            Vector256.FusedMultiplyAdd(Vector256.Create(GgmlC1), b, Vector256<float>.One));
        var exponent = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(n), Vector256.Create(-127)), Vector256.Create(127));
        var result = j * ((exponent + Vector256.Create(127)) << 23).AsSingle();
        var special = Vector256.GreaterThan(Vector256.Abs(n), Vector256.Create(192f));
        if (special == Vector256<float>.Zero)
        {
            return result;
        }

        var alternative = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(n, Vector256<float>.Zero), Vector256<float>.Zero, Vector256.Create(float.PositiveInfinity));
        return Vector256.ConditionalSelect(special, alternative, result);
    }
}
