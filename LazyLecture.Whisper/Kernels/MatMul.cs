using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LazyLecture.Whisper.Kernels;

/// <summary>C (M × N) = A (M × K, row-major) · B (packed panels), f32 accumulation; register-blocked 6 × 32 micro-kernel.</summary>
internal static unsafe class MatMul
{
    private const int RowsPerTile = 6;
    private const int RowBlock = 48;

    /// <summary>Single-threaded product of rows [0, m) of A into C (overwrites C).</summary>
    public static void Multiply(float* a, int lda, int m, PackedMatrix b, float* c, int ldc)
    {
        var panels = b.Panels;
        for (var panel = 0; panel < panels; panel++)
        {
            var n0 = panel * PanelWidth;
            var columns = Math.Min(PanelWidth, b.N - n0);
            var packed = b.Panel(panel);
            for (var r = 0; r < m; r += RowsPerTile)
            {
                var rows = Math.Min(RowsPerTile, m - r);
                Tile(a + (long)r * lda, lda, rows, b.K, packed, c + (long)r * ldc + n0, ldc, columns);
            }
        }
    }

    /// <summary>Product over <paramref name="threads"/> workers, each taking blocks of <see cref="RowBlock"/> rows of A.</summary>
    public static void Multiply(float* a, int lda, int m, PackedMatrix b, float* c, int ldc, int threads)
    {
        var blocks = (m + RowBlock - 1) / RowBlock;
        if (threads <= 1 || blocks == 1)
        {
            Multiply(a, lda, m, b, c, ldc);
            return;
        }

        var aAddress = (nint)a;
        var cAddress = (nint)c;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, block =>
        {
            var r0 = block * RowBlock;
            Multiply((float*)aAddress + (long)r0 * lda, lda, Math.Min(RowBlock, m - r0), b, (float*)cAddress + (long)r0 * ldc, ldc);
        });
    }

    private const int PanelWidth = PackedMatrix.PanelWidth;

    private static void Tile(float* a, int lda, int rows, int k, float* b, float* c, int ldc, int columns)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Tile512(a, lda, rows, k, b, c, ldc, columns);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            // Two 16-column halves of the panel, each a 6 × 16 register tile (12 accumulators, 2 loads per k).
            Tile256(a, lda, rows, k, b, c, ldc, Math.Min(16, columns));
            if (columns > 16)
            {
                Tile256(a, lda, rows, k, b + 16, c + 16, ldc, columns - 16);
            }
        }
        else
        {
            TileScalar(a, lda, rows, k, b, c, ldc, columns);
        }
    }

    private static void Tile512(float* a, int lda, int rows, int k, float* b, float* c, int ldc, int columns)
    {
        if (rows == RowsPerTile && columns == PanelWidth)
        {
            Kernel512(a, lda, rows, k, b, c, ldc);
            return;
        }

        var partial = stackalloc float[PanelWidth * RowsPerTile];
        Kernel512(a, lda, rows, k, b, partial, PanelWidth);
        for (var r = 0; r < rows; r++)
        {
            new ReadOnlySpan<float>(partial + r * PanelWidth, columns).CopyTo(new Span<float>(c + (long)r * ldc, columns));
        }
    }

    // A full 6 × 32 tile into c. Nothing but the 12 stores follows the loop: with a branchy epilogue and no profile
    // (TieredPGO off) the JIT spilled all 12 accumulators to the stack on every iteration, a threefold slowdown.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Kernel512(float* a, int lda, int rows, int k, float* b, float* c, int ldc)
    {
        // Rows past the end re-read the last valid row; their results land in the caller's scratch tile.
        var a0 = a;
        var a1 = a + lda * Math.Min(1, rows - 1);
        var a2 = a + lda * Math.Min(2, rows - 1);
        var a3 = a + lda * Math.Min(3, rows - 1);
        var a4 = a + lda * Math.Min(4, rows - 1);
        var a5 = a + lda * Math.Min(5, rows - 1);
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (var kk = 0; kk < k; kk++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            b += PanelWidth;
            var x = Vector512.Create(a0[kk]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[kk]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[kk]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[kk]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[kk]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[kk]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
        }

        c00.Store(c);
        c01.Store(c + 16);
        c10.Store(c + ldc);
        c11.Store(c + ldc + 16);
        c20.Store(c + 2 * ldc);
        c21.Store(c + 2 * ldc + 16);
        c30.Store(c + 3 * ldc);
        c31.Store(c + 3 * ldc + 16);
        c40.Store(c + 4 * ldc);
        c41.Store(c + 4 * ldc + 16);
        c50.Store(c + 5 * ldc);
        c51.Store(c + 5 * ldc + 16);
    }

    private static void Tile256(float* a, int lda, int rows, int k, float* b, float* c, int ldc, int columns)
    {
        if (rows == RowsPerTile && columns == 16)
        {
            Kernel256(a, lda, rows, k, b, c, ldc);
            return;
        }

        var partial = stackalloc float[16 * RowsPerTile];
        Kernel256(a, lda, rows, k, b, partial, 16);
        for (var r = 0; r < rows; r++)
        {
            new ReadOnlySpan<float>(partial + r * 16, columns).CopyTo(new Span<float>(c + (long)r * ldc, columns));
        }
    }

    // A full 6 × 16 tile into c (see Kernel512 for why nothing else follows the loop).
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Kernel256(float* a, int lda, int rows, int k, float* b, float* c, int ldc)
    {
        var a0 = a;
        var a1 = a + lda * Math.Min(1, rows - 1);
        var a2 = a + lda * Math.Min(2, rows - 1);
        var a3 = a + lda * Math.Min(3, rows - 1);
        var a4 = a + lda * Math.Min(4, rows - 1);
        var a5 = a + lda * Math.Min(5, rows - 1);
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (var kk = 0; kk < k; kk++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            b += PanelWidth;
            var x = Vector256.Create(a0[kk]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[kk]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[kk]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[kk]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[kk]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[kk]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
        }

        c00.Store(c);
        c01.Store(c + 8);
        c10.Store(c + ldc);
        c11.Store(c + ldc + 8);
        c20.Store(c + 2 * ldc);
        c21.Store(c + 2 * ldc + 8);
        c30.Store(c + 3 * ldc);
        c31.Store(c + 3 * ldc + 8);
        c40.Store(c + 4 * ldc);
        c41.Store(c + 4 * ldc + 8);
        c50.Store(c + 5 * ldc);
        c51.Store(c + 5 * ldc + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileScalar(float* a, int lda, int rows, int k, float* b, float* c, int ldc, int columns)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < columns; j++)
            {
                var sum = 0f;
                for (var kk = 0; kk < k; kk++)
                {
                    sum = MathF.FusedMultiplyAdd(a[(long)r * lda + kk], b[kk * PanelWidth + j], sum);
                }

                c[(long)r * ldc + j] = sum;
            }
        }
    }

}
