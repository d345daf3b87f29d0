using System.Numerics.Tensors;

namespace LazyLecture.Whisper.Kernels;

/// <summary>ggml_soft_max_ext without mask: softmax(scale · x) over a row, in place.</summary>
public static class Softmax
{
    public static void Apply(Span<float> row, float scale)
    {
        if (scale != 1f)
        {
            TensorPrimitives.Multiply(row, scale, row);
        }

        var max = TensorPrimitives.Max(row);
        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Exp(row, row);
        var sum = TensorPrimitives.Sum(row);
        TensorPrimitives.Multiply(row, 1f / sum, row);
    }
}
