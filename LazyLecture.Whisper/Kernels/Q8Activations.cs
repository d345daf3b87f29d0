using System.Runtime.CompilerServices;

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
}
