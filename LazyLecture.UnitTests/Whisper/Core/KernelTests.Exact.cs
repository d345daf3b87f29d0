using LazyLecture.Whisper.Kernels;
using Xunit;

namespace LazyLecture.Tests.Whisper.Core;

/// <summary>
/// The dot product that sums as ggml_vec_dot_f16 does on AVX-512 (the quantized encoder's convolutions and attention),
/// against that order written out in plain loops, so the Vector256 path of CPUs without AVX-512 is held to the same bits.
/// </summary>
public sealed unsafe partial class KernelTests
{
    [Theory]
    [InlineData(64)]
    [InlineData(240)]
    [InlineData(1500)]
    [InlineData(1152)]
    [InlineData(37)]
    public void Exact_f16_dot_sums_in_ggml_avx512_order(int k)
    {
        var x = new float[k];
        var y = new float[k];
        for (var i = 0; i < k; i++)
        {
            x[i] = (float)(Half)((_random.NextDouble() * 2 - 1) * 4);
            y[i] = (float)(Half)((_random.NextDouble() * 2 - 1) * 4);
        }

        float actual;
        fixed (float* px = x)
        fixed (float* py = y)
        {
            actual = F16ExactMatMul.Dot(px, py, k);
        }

        var expected = ReferenceGgmlF16Dot(x, y);
        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), $"k = {k}: expected {expected:R}, got {actual:R}");
    }

    [Theory]
    [InlineData(64, 1500)] // the encoder's attention: a 64-wide head against 1500 keys (93 passes of 16, 12 one by one)
    [InlineData(64, 5)]
    [InlineData(80, 40)] // another width: key by key
    public void Exact_f16_dots_of_one_query_against_many_keys_give_each_key_the_reference_bits(int k, int keys)
    {
        const int stride = 384; // keys lie in rows of the layer's full width, as the encoder keeps them
        var x = new float[k];
        var rows = new float[keys * stride];
        for (var i = 0; i < k; i++)
        {
            x[i] = (float)(Half)((_random.NextDouble() * 2 - 1) * 4);
        }

        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = (float)(Half)((_random.NextDouble() * 2 - 1) * 4);
        }

        var scores = new float[keys];
        fixed (float* px = x, pr = rows, ps = scores)
        {
            F16ExactMatMul.DotRows(px, pr, stride, keys, k, ps);
        }

        for (var j = 0; j < keys; j++)
        {
            var expected = ReferenceGgmlF16Dot(x, rows.AsSpan(j * stride, k).ToArray());
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(scores[j]), $"key {j}: expected {expected:R}, got {scores[j]:R}");
        }
    }

    // ggml_vec_dot_f16 (AVX-512): four 16-lane accumulators over 64 values a step, folded 0+2, 1+3, then 0+1, reduced as
    // _mm512_reduce_add_ps (upper + lower halves down to 4 lanes, then (0+2) + (1+3)); the rest added one by one in double.
    private static float ReferenceGgmlF16Dot(float[] x, float[] y)
    {
        var k = x.Length;
        var np = k & ~63;
        var acc = new float[4, 16];
        for (var i = 0; i < np; i += 64)
        {
            for (var a = 0; a < 4; a++)
            {
                for (var lane = 0; lane < 16; lane++)
                {
                    acc[a, lane] = MathF.FusedMultiplyAdd(x[i + 16 * a + lane], y[i + 16 * a + lane], acc[a, lane]);
                }
            }
        }

        var v = new float[16];
        for (var lane = 0; lane < 16; lane++)
        {
            v[lane] = (acc[0, lane] + acc[2, lane]) + (acc[1, lane] + acc[3, lane]);
        }

        var half = new float[8];
        for (var lane = 0; lane < 8; lane++)
        {
            half[lane] = v[lane + 8] + v[lane];
        }

        var quarter = new float[4];
        for (var lane = 0; lane < 4; lane++)
        {
            quarter[lane] = half[lane + 4] + half[lane];
        }

        double sum = (quarter[0] + quarter[2]) + (quarter[1] + quarter[3]);
        for (var i = np; i < k; i++)
        {
            sum += x[i] * y[i];
        }

        return (float)sum;
    }

    [Theory]
    [InlineData(1500)]
    [InlineData(37)]
    public void Exact_softmax_gives_the_bits_of_ggml_v_expf_in_its_order(int n)
    {
        // Scores from far below the maximum (exp underflows, ggml's special values) to around it.
        var row = new float[n];
        for (var i = 0; i < n; i++)
        {
            row[i] = (float)(_random.NextDouble() * (i % 5 == 0 ? -3000 : 20));
        }

        var expected = ReferenceExactSoftmax(row, 0.125f);
        Softmax.ApplyExact(row, 0.125f);

        for (var i = 0; i < n; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(row[i]), $"value {i}: expected {expected[i]:R}, got {row[i]:R}");
        }
    }

    // ggml_soft_max_ext's AVX-512 path in plain loops: scaled row, ggml_v_expf lane by lane, each 16-value block's sum
    // reduced as _mm512_reduce_add_ps into a double, the rest through expf, then every value times (float)(1 / sum).
    private static float[] ReferenceExactSoftmax(float[] input, float scale)
    {
        var x = input.Select(v => v * scale).ToArray();
        var max = x.Max();
        var n = x.Length;
        var sum = 0.0;
        var i = 0;
        for (; i + 16 <= n; i += 16)
        {
            for (var lane = 0; lane < 16; lane++)
            {
                x[i + lane] = ReferenceGgmlExp(x[i + lane] - max);
            }

            var half = new float[8];
            for (var lane = 0; lane < 8; lane++)
            {
                half[lane] = x[i + lane + 8] + x[i + lane];
            }

            var quarter = new float[4];
            for (var lane = 0; lane < 4; lane++)
            {
                quarter[lane] = half[lane + 4] + half[lane];
            }

            sum += (quarter[0] + quarter[2]) + (quarter[1] + quarter[3]);
        }

        for (; i < n; i++)
        {
            x[i] = MathF.Exp(x[i] - max);
            sum += x[i];
        }

        var inverse = (float)(1.0 / sum);
        return x.Select(v => v * inverse).ToArray();
    }

    // ggml_v_expf for one lane, constants from its hexadecimal float literals.
    private static float ReferenceGgmlExp(float x)
    {
        static float Bits(int bits) => BitConverter.Int32BitsToSingle(bits);
        var r = Bits(0x4b400000);
        var n = MathF.FusedMultiplyAdd(x, Bits(0x3fb8aa3b), r) - r;
        var b = MathF.FusedMultiplyAdd(-n, Bits(0x35bfbe8e), MathF.FusedMultiplyAdd(-n, Bits(0x3f317200), x));
        var u = b * b;
        var j = MathF.FusedMultiplyAdd(
            MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(Bits(0x3c072010), b, Bits(0x3d2b9f17)), u, MathF.FusedMultiplyAdd(Bits(0x3e2aaf33), b, Bits(0x3efffedb))),
            u,
            MathF.FusedMultiplyAdd(Bits(0x3f7ffff6), b, 1f));
        if (MathF.Abs(n) > 192f)
        {
            return n <= 0 ? 0f : float.PositiveInfinity;
        }

        var exponent = Math.Clamp((int)n, -127, 127);
        return j * BitConverter.Int32BitsToSingle((exponent + 127) << 23);
    }
}
