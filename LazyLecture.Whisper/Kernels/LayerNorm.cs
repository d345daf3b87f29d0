using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace LazyLecture.Whisper.Kernels;

/// <summary>
/// ggml_norm (subtract the mean, divide by √(variance + eps)) followed by the affine weight and bias, bit for bit as
/// ggml-cpu computes them: both sums sequential in double (ggml_float), the mean and variance rounded to float, each
/// square rounded to float before it is added, and the weight and bias applied as the separate ggml_mul and ggml_add
/// (no fused multiply-add). f16 weights hide a last-bit difference here (the next product rounds its input to f16),
/// but a q8-quantized product does not: a one-ulp change can move an activation across a q8 rounding boundary.
/// </summary>
internal static class LayerNorm
{
    public const float Epsilon = 1e-5f;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output)
    {
        var n = input.Length;
        var y = output[..n];
        var sum = 0.0;
        foreach (var v in input)
        {
            sum += v;
        }

        var mean = (float)(sum / n);
        TensorPrimitives.Subtract(input, mean, y);
        var squares = 0.0;
        foreach (var v in y)
        {
            squares += v * v; // v * v is a float product, rounded before it is widened, as in ggml
        }

        var variance = (float)(squares / n);
        var scale = 1.0f / MathF.Sqrt(variance + Epsilon);
        TensorPrimitives.Multiply(y, scale, y);
        TensorPrimitives.Multiply(y, weight[..n], y);
        TensorPrimitives.Add(y, bias[..n], y);
    }
}
