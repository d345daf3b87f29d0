using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Kernels;

/// <summary>y = W · x for one activation vector, reading the weight rows (f16 converted on the fly) straight from the mapped file.</summary>
public static unsafe class MatVec
{
    private const int RowsPerTask = 64;

    /// <summary>y[n] = dot(W[n], x) for n in [start, end); <paramref name="scratch"/> (≥ K floats) is used for non-f16 rows.</summary>
    public static void MultiplyRows(GgmlTensor weight, float* x, float* y, int start, int end, float* scratch)
    {
        var k = weight.RowLength;
        switch (weight.Type)
        {
            case GgmlType.F16:
                var n = start;
                for (; n + 2 <= end; n += 2)
                {
                    DotF16Pair((ushort*)weight.RowPointer(n), (ushort*)weight.RowPointer(n + 1), x, k, out y[n], out y[n + 1]);
                }

                for (; n < end; n++)
                {
                    y[n] = DotF16((ushort*)weight.RowPointer(n), x, k);
                }

                break;
            case GgmlType.F32:
                for (var r = start; r < end; r++)
                {
                    y[r] = TensorPrimitives.Dot(new ReadOnlySpan<float>(weight.RowPointer(r), k), new ReadOnlySpan<float>(x, k));
                }

                break;
            default:
                for (var r = start; r < end; r++)
                {
                    var row = new Span<float>(scratch, k);
                    Dequantize.Row(weight.Type, weight.RowPointer(r), row);
                    y[r] = TensorPrimitives.Dot(row, new ReadOnlySpan<float>(x, k));
                }

                break;
        }
    }

    /// <summary>y = W · x over all rows, split among <paramref name="threads"/> workers when the matrix is large enough to pay for it.</summary>
    public static void Multiply(GgmlTensor weight, float* x, float* y, int threads, float* scratch, int scratchStride)
    {
        var rows = checked((int)weight.Rows);
        var tasks = (rows + RowsPerTask - 1) / RowsPerTask;
        if (threads <= 1 || (long)rows * weight.RowLength < 200_000)
        {
            MultiplyRows(weight, x, y, 0, rows, scratch);
            return;
        }

        var chunks = Math.Min(tasks, threads * 4);
        var per = (rows + chunks - 1) / chunks;
        var xa = (nint)x;
        var ya = (nint)y;
        var sa = (nint)scratch;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, chunk =>
        {
            var s = chunk * per;
            var e = Math.Min(rows, s + per);
            // Each chunk gets its own scratch row so quantised rows never share a buffer.
            MultiplyRows(weight, (float*)xa, (float*)ya, s, e, (float*)sa + (long)chunk * scratchStride);
        });
    }

    /// <summary>Scratch floats <see cref="Multiply"/> needs for a weight of this row length.</summary>
    public static int ScratchLength(int rowLength, int threads) => rowLength * Math.Max(1, threads) * 4;

    public static float DotF16(ushort* w, float* x, int k)
    {
        var i = 0;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> acc0 = default, acc1 = default;
            for (; i + 32 <= k; i += 32)
            {
                HalfConversion.Widen(Vector512.Load(w + i), out var lo, out var hi);
                acc0 = Vector512.FusedMultiplyAdd(lo, Vector512.Load(x + i), acc0);
                acc1 = Vector512.FusedMultiplyAdd(hi, Vector512.Load(x + i + 16), acc1);
            }

            sum = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> acc0 = default, acc1 = default;
            for (; i + 16 <= k; i += 16)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Load(w + i));
                acc0 = Vector256.FusedMultiplyAdd(HalfConversion.ToSingle(lo), Vector256.Load(x + i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(HalfConversion.ToSingle(hi), Vector256.Load(x + i + 8), acc1);
            }

            sum = Vector256.Sum(acc0 + acc1);
        }

        for (; i < k; i++)
        {
            sum += HalfConversion.ToSingle(w[i]) * x[i];
        }

        return sum;
    }

    private static void DotF16Pair(ushort* w0, ushort* w1, float* x, int k, out float y0, out float y1)
    {
        if (!Vector512.IsHardwareAccelerated || k % 32 != 0)
        {
            y0 = DotF16(w0, x, k);
            y1 = DotF16(w1, x, k);
            return;
        }

        Vector512<float> a0 = default, a1 = default, b0 = default, b1 = default;
        for (var i = 0; i < k; i += 32)
        {
            var x0 = Vector512.Load(x + i);
            var x1 = Vector512.Load(x + i + 16);
            HalfConversion.Widen(Vector512.Load(w0 + i), out var lo0, out var hi0);
            HalfConversion.Widen(Vector512.Load(w1 + i), out var lo1, out var hi1);
            a0 = Vector512.FusedMultiplyAdd(lo0, x0, a0);
            a1 = Vector512.FusedMultiplyAdd(hi0, x1, a1);
            b0 = Vector512.FusedMultiplyAdd(lo1, x0, b0);
            b1 = Vector512.FusedMultiplyAdd(hi1, x1, b1);
        }

        y0 = Vector512.Sum(a0 + a1);
        y1 = Vector512.Sum(b0 + b1);
    }
}
