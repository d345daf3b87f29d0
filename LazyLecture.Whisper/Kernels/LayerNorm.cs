using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LazyLecture.Whisper.Kernels;

/// <summary>ggml_norm (subtract the mean, divide by √(variance + eps)) followed by the affine weight and bias.</summary>
internal static class LayerNorm
{
    public const float Epsilon = 1e-5f;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output)
    {
        var n = input.Length;
        if (Vector512.IsHardwareAccelerated && n % 16 == 0 && weight.Length >= n && bias.Length >= n && output.Length >= n)
        {
            Apply512(input, weight, bias, output);
            return;
        }

        var y = output[..n];
        var mean = TensorPrimitives.Sum(input) / n;
        TensorPrimitives.Subtract(input, mean, y);
        var variance = TensorPrimitives.SumOfSquares(y) / n;
        var scale = 1.0f / MathF.Sqrt(variance + Epsilon);
        TensorPrimitives.Multiply(y, scale, y);
        TensorPrimitives.FusedMultiplyAdd(y, weight, bias, y);
    }

    // Three sweeps with the row in registers/L1: sum, centred sum of squares, normalise + affine.
    private static void Apply512(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output)
    {
        var n = input.Length;
        ref var x = ref MemoryMarshal.GetReference(input);
        ref var w = ref MemoryMarshal.GetReference(weight);
        ref var b = ref MemoryMarshal.GetReference(bias);
        ref var y = ref MemoryMarshal.GetReference(output);
        var sum = Vector512<float>.Zero;
        for (var i = 0; i < n; i += 16)
        {
            sum += Vector512.LoadUnsafe(ref x, (nuint)i);
        }

        var mean = Vector512.Create(Vector512.Sum(sum) / n);
        var squares = Vector512<float>.Zero;
        for (var i = 0; i < n; i += 16)
        {
            var d = Vector512.LoadUnsafe(ref x, (nuint)i) - mean;
            squares = Vector512.FusedMultiplyAdd(d, d, squares);
        }

        var scale = Vector512.Create(1.0f / MathF.Sqrt(Vector512.Sum(squares) / n + Epsilon));
        for (var i = 0; i < n; i += 16)
        {
            var d = (Vector512.LoadUnsafe(ref x, (nuint)i) - mean) * scale;
            Vector512.FusedMultiplyAdd(d, Vector512.LoadUnsafe(ref w, (nuint)i), Vector512.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
        }
    }
}
