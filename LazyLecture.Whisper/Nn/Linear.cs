using System.Numerics.Tensors;
using LazyLecture.Whisper.Kernels;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Nn;

/// <summary>Batched y = x · Wᵀ + b as ggml_mul_mat + ggml_add does it, with the same f16 rounding of the activations.</summary>
internal static unsafe class Linear
{
    /// <summary>
    /// Computes rows×N outputs; <paramref name="input"/> (rows × K) is rounded to f16 in place when W is f16,
    /// because ggml converts src1 to W's dot type before the product. Quantized W takes the integer path on q8 rows of
    /// the input (<see cref="QuantizedMatMul"/>), leaving the input as it is.
    /// </summary>
    public static void Forward(float* input, int rows, GgmlTensor weight, GgmlTensor? bias, float* output, PackedMatrix packed, int threads)
    {
        var k = weight.MatrixColumns;
        var n = weight.MatrixRows;
        if (QuantizedDot.IsQuantized(weight.Type))
        {
            QuantizedMatMul.Multiply(input, rows, weight, output, threads);
        }
        else
        {
            if (weight.Type == GgmlType.F16)
            {
                HalfConversion.RoundToHalfPrecision(new Span<float>(input, rows * k));
            }

            packed.PackWeightRows(weight, threads);
            MatMul.Multiply(input, k, rows, packed, output, n, threads);
        }

        if (bias is not null)
        {
            AddBias(output, rows, bias.AsSingles());
        }
    }

    public static void AddBias(float* output, int rows, ReadOnlySpan<float> bias)
    {
        var n = bias.Length;
        for (var r = 0; r < rows; r++)
        {
            var row = new Span<float>(output + (long)r * n, n);
            TensorPrimitives.Add(row, bias, row);
        }
    }
}
