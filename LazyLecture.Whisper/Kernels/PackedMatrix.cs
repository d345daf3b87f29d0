using System.Runtime.CompilerServices;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Kernels;

/// <summary>
/// The right-hand matrix B (K × N) of a product, repacked in column panels of <see cref="PanelWidth"/>:
/// panel p holds B[k, 32p .. 32p+31] for every k contiguously, zero-padded past N, so the GEMM kernel streams it.
/// </summary>
internal sealed unsafe class PackedMatrix
{
    public const int PanelWidth = 32;

    private float[] _data = [];

    public int K { get; private set; }

    public int N { get; private set; }

    public int Panels => (N + PanelWidth - 1) / PanelWidth;

    internal float[] Data => _data;

    internal float* Panel(int panel) => (float*)Unsafe.AsPointer(ref _data[(long)panel * K * PanelWidth]);

    /// <summary>Sizes the buffer for K × N, reusing it when large enough.</summary>
    public void Resize(int k, int n)
    {
        K = k;
        N = n;
        var needed = (long)Panels * k * PanelWidth;
        if (_data.Length < needed)
        {
            _data = GC.AllocateUninitializedArray<float>(checked((int)needed), pinned: true);
        }
    }

    /// <summary>
    /// Packs Bᵀ given as N rows of K values (a ggml weight: one row per output), converting/dequantising it to f32.
    /// </summary>
    public void PackWeightRows(GgmlTensor weight, int threads)
    {
        var k = weight.MatrixColumns;
        var n = weight.MatrixRows;
        Resize(k, n);
        var degree = Math.Max(1, threads);
        Parallel.For(0, Panels, new ParallelOptions { MaxDegreeOfParallelism = degree }, () => new float[PanelWidth * k], (panel, _, rows) =>
        {
            var n0 = panel * PanelWidth;
            var count = Math.Min(PanelWidth, n - n0);
            for (var j = 0; j < count; j++)
            {
                weight.ReadMatrixRow(n0 + j, rows.AsSpan(j * k, k));
            }

            fixed (float* source = rows)
            {
                TransposeIntoPanel(source, k, count, k, Panel(panel));
            }

            return rows;
        }, _ => { });
    }

    /// <summary>Packs Bᵀ given as N rows of K values at <paramref name="rows"/> with a row stride (keys of one attention head).</summary>
    public void PackTransposed(float* rows, int n, int k, int rowStride)
    {
        Resize(k, n);
        for (var panel = 0; panel < Panels; panel++)
        {
            var n0 = panel * PanelWidth;
            TransposeIntoPanel(rows + (long)n0 * rowStride, k, Math.Min(PanelWidth, n - n0), rowStride, Panel(panel));
        }
    }

    /// <summary>Packs B given row-major as K rows of N values with a row stride (values of one attention head).</summary>
    public void Pack(float* b, int k, int n, int rowStride)
    {
        Resize(k, n);
        for (var panel = 0; panel < Panels; panel++)
        {
            var n0 = panel * PanelWidth;
            var count = Math.Min(PanelWidth, n - n0);
            var destination = Panel(panel);
            for (var kk = 0; kk < k; kk++)
            {
                var source = b + (long)kk * rowStride + n0;
                var target = destination + kk * PanelWidth;
                new ReadOnlySpan<float>(source, count).CopyTo(new Span<float>(target, count));
                if (count < PanelWidth)
                {
                    new Span<float>(target + count, PanelWidth - count).Clear();
                }
            }
        }
    }

    /// <summary>Rounds every packed value to f16 precision (ggml casts these operands to f16).</summary>
    public void RoundToHalfPrecision() => HalfConversion.RoundToHalfPrecision(_data.AsSpan(0, Panels * K * PanelWidth));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeIntoPanel(float* rows, int k, int count, int rowStride, float* panel)
    {
        // Blocked by 8 k-values so each source row is read in cache-line sized runs.
        for (var k0 = 0; k0 < k; k0 += 8)
        {
            var kEnd = Math.Min(k, k0 + 8);
            for (var j = 0; j < PanelWidth; j++)
            {
                if (j < count)
                {
                    var source = rows + (long)j * rowStride;
                    for (var kk = k0; kk < kEnd; kk++)
                    {
                        panel[kk * PanelWidth + j] = source[kk];
                    }
                }
                else
                {
                    for (var kk = k0; kk < kEnd; kk++)
                    {
                        panel[kk * PanelWidth + j] = 0f;
                    }
                }
            }
        }
    }
}
