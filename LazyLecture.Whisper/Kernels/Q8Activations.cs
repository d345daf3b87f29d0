using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LazyLecture.Whisper.Kernels;

/// <summary>
/// Activation rows quantized to 8-bit blocks of 32 as ggml-cpu's quantize_row_q8_0 / quantize_row_q8_1 (x86 path)
/// make them before a product with quantized weights: d = max|x|/127 stored as f16, q = round-half-even(x · 127/max|x|),
/// and for q8_1 the block sum s = d · Σq stored as f16. A row of k values is laid out for the integer dot products:
/// k signed quants, then k/32 scales d, then k/32 sums s, both as f32 holding the f16-rounded values.
/// </summary>
internal static unsafe class Q8Activations
{
    public const int BlockSize = 32;

    /// <summary>Bytes one quantized row of <paramref name="k"/> values takes (k a multiple of 32).</summary>
    public static int RowBytes(int k) => k + 2 * sizeof(float) * (k / BlockSize);

    public static sbyte* Quants(byte* row) => (sbyte*)row;

    public static float* Scales(byte* row, int k) => (float*)(row + k);

    public static float* Sums(byte* row, int k) => (float*)(row + k) + k / BlockSize;

    /// <summary>Quantizes <paramref name="x"/> (length a multiple of 32) into <paramref name="row"/>, sums included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Quantize(ReadOnlySpan<float> x, byte* row)
    {
        var k = x.Length;
        if (k % BlockSize != 0)
        {
            throw new ArgumentException($"Row length {k} is not a multiple of {BlockSize}.", nameof(x));
        }

        var quants = Quants(row);
        var scales = Scales(row, k);
        var sums = Sums(row, k);
        for (var b = 0; b < k / BlockSize; b++)
        {
            var block = x.Slice(b * BlockSize, BlockSize);
            if (Vector256.IsHardwareAccelerated)
            {
                QuantizeBlock(block, quants + b * BlockSize, out scales[b], out sums[b]);
                continue;
            }

            var max = 0f;
            foreach (var v in block)
            {
                max = MathF.Max(max, MathF.Abs(v));
            }

            // ggml's x86 path: d from max/127, but the multiplier is 127/max (not 1/d), and the rounding is to even.
            var d = max / 127f;
            var inverse = max != 0f ? 127f / max : 0f;
            var sum = 0;
            for (var j = 0; j < BlockSize; j++)
            {
                var q = (int)MathF.Round(block[j] * inverse, MidpointRounding.ToEven);
                quants[b * BlockSize + j] = (sbyte)q;
                sum += q;
            }

            scales[b] = HalfConversion.ToSingle(HalfConversion.ToHalfBits(d));
            sums[b] = HalfConversion.ToSingle(HalfConversion.ToHalfBits(d * sum));
        }
    }

    // One block on 8-lane vectors, the same arithmetic: max|x| (exact in any order), x·(127/max) rounded to even
    // (vroundps), and the integer sum of the quants.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void QuantizeBlock(ReadOnlySpan<float> block, sbyte* quants, out float scale, out float sum)
    {
        fixed (float* x = block)
        {
            var v0 = Vector256.Load(x);
            var v1 = Vector256.Load(x + 8);
            var v2 = Vector256.Load(x + 16);
            var v3 = Vector256.Load(x + 24);
            var m = Vector256.Max(Vector256.Max(Vector256.Abs(v0), Vector256.Abs(v1)), Vector256.Max(Vector256.Abs(v2), Vector256.Abs(v3)));
            var max = Vector256.Max(m, Vector256<float>.Zero);
            var lanes = Vector128.Max(max.GetLower(), max.GetUpper());
            var maximum = MathF.Max(MathF.Max(lanes[0], lanes[1]), MathF.Max(lanes[2], lanes[3]));
            var d = maximum / 127f;
            var inverse = Vector256.Create(maximum != 0f ? 127f / maximum : 0f);
            var q0 = Vector256.ConvertToInt32(Vector256.Round(v0 * inverse));
            var q1 = Vector256.ConvertToInt32(Vector256.Round(v1 * inverse));
            var q2 = Vector256.ConvertToInt32(Vector256.Round(v2 * inverse));
            var q3 = Vector256.ConvertToInt32(Vector256.Round(v3 * inverse));
            var total = Vector256.Sum((q0 + q1) + (q2 + q3));
            var words = Vector256.Narrow(q0, q1);
            var words2 = Vector256.Narrow(q2, q3);
            Vector256.Narrow(words, words2).Store(quants);
            scale = HalfConversion.ToSingle(HalfConversion.ToHalfBits(d));
            sum = HalfConversion.ToSingle(HalfConversion.ToHalfBits(d * total));
        }
    }
}
