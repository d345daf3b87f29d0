using System.Numerics.Tensors;

namespace LazyLecture.Whisper.Kernels;

/// <summary>ggml_norm (subtract the mean, divide by √(variance + eps)) followed by the affine weight and bias.</summary>
public static class LayerNorm
{
    public const float Epsilon = 1e-5f;

    public static void Apply(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output)
    {
        var n = input.Length;
        var y = output[..n];
        var mean = TensorPrimitives.Sum(input) / n;
        TensorPrimitives.Subtract(input, mean, y);
        var variance = TensorPrimitives.SumOfSquares(y) / n;
        var scale = 1.0f / MathF.Sqrt(variance + Epsilon);
        TensorPrimitives.Multiply(y, scale, y);
        TensorPrimitives.FusedMultiplyAdd(y, weight, bias, y);
    }
}
