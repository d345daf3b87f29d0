using System.Numerics.Tensors;

namespace LazyLecture.Whisper.Kernels;

/// <summary>ggml_norm (mean and variance accumulated in double, eps inside the root) followed by the affine weight and bias.</summary>
public static class LayerNorm
{
    public const float Epsilon = 1e-5f;

    public static void Apply(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output)
    {
        var n = input.Length;
        double sum = 0;
        foreach (var v in input)
        {
            sum += v;
        }

        var mean = (float)(sum / n);
        TensorPrimitives.Subtract(input, mean, output[..n]);
        double squares = 0;
        for (var i = 0; i < n; i++)
        {
            squares += output[i] * output[i];
        }

        var variance = (float)(squares / n);
        var scale = 1.0f / MathF.Sqrt(variance + Epsilon);
        TensorPrimitives.Multiply(output[..n], scale, output[..n]);
        TensorPrimitives.Multiply(output[..n], weight, output[..n]);
        TensorPrimitives.Add(output[..n], bias, output[..n]);
    }
}
