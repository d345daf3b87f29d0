using System.Buffers;
using System.Runtime.Intrinsics.X86;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Kernels;

/// <summary>
/// C (M × N) = A (M × K, row-major f32) · Wᵀ for a quantized W as ggml's mul_mat does it: each row of A quantized to
/// q8 blocks, then every output the integer dot product of a weight row with one of them, so each output has exactly
/// the bits the matrix–vector path (<see cref="QuantizedDot"/>) gives for that row alone. With AVX2, weight rows are
/// unpacked four at a time into a panel that every activation row of the task reuses, and multiplied in 4 × 4
/// register tiles (<see cref="QuantizedPanel"/>); without it, one plain dot product per output.
/// </summary>
internal static unsafe class QuantizedMatMul
{
    // Rows of A per task: their q8 rows stay in L1/L2 while every weight panel streams past them once.
    private const int RowBlock = 48;

    public static void Multiply(float* a, int m, GgmlTensor weight, float* c, int threads)
    {
        switch (weight.Type)
        {
            case GgmlType.Q4_0: Multiply<QuantizedDot.Q4_0Block>(a, m, weight, c, threads); break;
            case GgmlType.Q4_1: Multiply<QuantizedDot.Q4_1Block>(a, m, weight, c, threads); break;
            case GgmlType.Q5_0: Multiply<QuantizedDot.Q5_0Block>(a, m, weight, c, threads); break;
            case GgmlType.Q5_1: Multiply<QuantizedDot.Q5_1Block>(a, m, weight, c, threads); break;
            case GgmlType.Q8_0: Multiply<QuantizedDot.Q8_0Block>(a, m, weight, c, threads); break;
            default: throw new ArgumentOutOfRangeException(nameof(weight), weight.Type, "Not a quantized type.");
        }
    }

    private static void Multiply<TBlock>(float* a, int m, GgmlTensor weight, float* c, int threads)
        where TBlock : struct, QuantizedDot.IWeightBlock
    {
        var k = weight.MatrixColumns;
        var n = weight.MatrixRows;
        var weightRowBytes = GgmlTypeLayout.RowBytes(weight.Type, k);
        var rowBytes = Q8Activations.RowBytes(k);
        var buffer = ArrayPool<byte>.Shared.Rent(checked(m * rowBytes));
        try
        {
            fixed (byte* quantized = buffer)
            {
                var aAddress = (nint)a;
                var cAddress = (nint)c;
                var qAddress = (nint)quantized;
                var weights = (nint)weight.Data;
                var blocks = (m + RowBlock - 1) / RowBlock;
                Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, block =>
                {
                    var r0 = block * RowBlock;
                    var rows = Math.Min(RowBlock, m - r0);
                    var q = (byte*)qAddress + (long)r0 * rowBytes;
                    for (var r = 0; r < rows; r++)
                    {
                        Q8Activations.Quantize(new ReadOnlySpan<float>((float*)aAddress + (long)(r0 + r) * k, k), q + (long)r * rowBytes);
                    }

                    var output = (float*)cAddress + (long)r0 * n;
                    if (!Avx2.IsSupported)
                    {
                        for (var j = 0; j < n; j++)
                        {
                            QuantizedDot.Dot(weight.Type, (byte*)weights + (long)j * weightRowBytes, k, q, rowBytes, rows, output + j, n);
                        }

                        return;
                    }

                    var panel = ArrayPool<byte>.Shared.Rent(QuantizedPanel.Bytes(k) + 32);
                    try
                    {
                        fixed (byte* scratch = panel)
                        {
                            var aligned = (byte*)(((nint)scratch + 31) & ~(nint)31);
                            for (var j = 0; j < n; j += QuantizedPanel.Rows)
                            {
                                QuantizedPanel.Unpack<TBlock>((byte*)weights, weightRowBytes, j, n, k, aligned);
                                QuantizedPanel.Multiply<TBlock>(aligned, k, q, rowBytes, rows, output + j, n, Math.Min(QuantizedPanel.Rows, n - j));
                            }
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(panel);
                    }
                });
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
