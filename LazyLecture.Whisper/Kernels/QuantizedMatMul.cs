using System.Buffers;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Kernels;

/// <summary>
/// C (M × N) = A (M × K, row-major f32) · Wᵀ for a quantized W as ggml's mul_mat does it: each row of A quantized to
/// q8 blocks, then every output the integer dot product of a weight row with one of them (<see cref="QuantizedDot"/>),
/// so each output has exactly the bits the matrix–vector path gives for that row alone.
/// </summary>
internal static unsafe class QuantizedMatMul
{
    // Rows of A per task: their q8 rows stay in L1/L2 while every weight row streams past them once.
    private const int RowBlock = 32;

    public static void Multiply(float* a, int m, GgmlTensor weight, float* c, int threads)
    {
        var k = weight.MatrixColumns;
        var n = weight.MatrixRows;
        var type = weight.Type;
        var weightRowBytes = GgmlTypeLayout.RowBytes(type, k);
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
                    for (var j = 0; j < n; j++)
                    {
                        QuantizedDot.Dot(type, (byte*)weights + j * weightRowBytes, k, q, rowBytes, rows, output + j, n);
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
