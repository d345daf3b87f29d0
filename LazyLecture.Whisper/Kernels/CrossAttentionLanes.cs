using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LazyLecture.Whisper.Kernels;

/// <summary>
/// Cross-attention of several queries (beams, best-of candidates) over the same f16 keys and values: each key block and
/// value row is loaded and converted once for all of them, where one query at a time converted it once per query (the
/// conversion costs three times the multiply-adds it feeds). Per query the operations and their order are those of
/// <see cref="Attention.ScoresF16"/> and <see cref="Attention.WeightedSumF16"/>, so every score and output has the
/// bits of the one-query kernels. AVX-512 only, five queries per pass at most (their accumulators fill the registers).
/// </summary>
internal static unsafe class CrossAttentionLanes
{
    public const int MaxLanes = 5;

    /// <summary>Value rows of this width are what <see cref="WeightedSumF16"/> takes (every Whisper model's head size).</summary>
    public const int HeadSize = 64;

    public static bool IsSupported(int headSize) => Vector512.IsHardwareAccelerated && headSize == HeadSize;

    /// <summary>
    /// scores_i[j] = Σ_d q_i[d] · K[j][d] for the queries q_i = <paramref name="queries"/> + i·<paramref name="queryStride"/>
    /// (rounded to f16 precision, as for <see cref="Attention.ScoresF16"/>), written to
    /// <paramref name="scores"/> + i·<paramref name="scoresStride"/>, all blocks·32 of them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScoresF16<TLanes>(float* queries, int queryStride, ushort* keyBlocks, int blocks, float* scores, int scoresStride)
        where TLanes : struct, IInputCount
    {
        var lanes = TLanes.Count;
        var scaled = stackalloc float[MaxLanes * HeadSize];
        for (var i = 0; i < lanes; i++)
        {
            for (var d = 0; d < HeadSize; d++)
            {
                scaled[i * HeadSize + d] = queries[(long)i * queryStride + d] * MatVec.HalfScale;
            }
        }

        var keys = (short*)keyBlocks;
        for (var b = 0; b < blocks; b++)
        {
            Vector512<float> lo0 = default, hi0 = default, lo1 = default, hi1 = default, lo2 = default, hi2 = default;
            Vector512<float> lo3 = default, hi3 = default, lo4 = default, hi4 = default;
            var q = scaled;
            for (var d = 0; d < HeadSize; d++, keys += Attention.KeyBlock, q++)
            {
                var h = Vector512.Load(keys);
                var lower = MatVec.Raw(Vector512.WidenLower(h));
                var upper = MatVec.Raw(Vector512.WidenUpper(h));
                var w = Vector512.Create(q[0]);
                lo0 = Vector512.FusedMultiplyAdd(lower, w, lo0);
                hi0 = Vector512.FusedMultiplyAdd(upper, w, hi0);
                if (lanes > 1)
                {
                    w = Vector512.Create(q[HeadSize]);
                    lo1 = Vector512.FusedMultiplyAdd(lower, w, lo1);
                    hi1 = Vector512.FusedMultiplyAdd(upper, w, hi1);
                }

                if (lanes > 2)
                {
                    w = Vector512.Create(q[2 * HeadSize]);
                    lo2 = Vector512.FusedMultiplyAdd(lower, w, lo2);
                    hi2 = Vector512.FusedMultiplyAdd(upper, w, hi2);
                }

                if (lanes > 3)
                {
                    w = Vector512.Create(q[3 * HeadSize]);
                    lo3 = Vector512.FusedMultiplyAdd(lower, w, lo3);
                    hi3 = Vector512.FusedMultiplyAdd(upper, w, hi3);
                }

                if (lanes > 4)
                {
                    w = Vector512.Create(q[4 * HeadSize]);
                    lo4 = Vector512.FusedMultiplyAdd(lower, w, lo4);
                    hi4 = Vector512.FusedMultiplyAdd(upper, w, hi4);
                }
            }

            var s = scores + (long)b * Attention.KeyBlock;
            Store(lo0, hi0, s);
            if (lanes > 1)
            {
                Store(lo1, hi1, s + scoresStride);
            }

            if (lanes > 2)
            {
                Store(lo2, hi2, s + 2L * scoresStride);
            }

            if (lanes > 3)
            {
                Store(lo3, hi3, s + 3L * scoresStride);
            }

            if (lanes > 4)
            {
                Store(lo4, hi4, s + 4L * scoresStride);
            }
        }
    }

    /// <summary>
    /// output_i[c] = Σ_j p_i[j] · V[j][c] for c in [0, 64) and j in [0, <paramref name="length"/>), with
    /// p_i = <paramref name="probabilities"/> + i·<paramref name="probabilityStride"/>, V rows 64 halves apart and
    /// output_i = <paramref name="outputs"/> + i·<paramref name="outputStride"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightedSumF16<TLanes>(float* probabilities, int probabilityStride, int length, ushort* values, float* outputs, int outputStride)
        where TLanes : struct, IInputCount
    {
        var lanes = TLanes.Count;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        Vector512<float> a40 = default, a41 = default, a42 = default, a43 = default;
        var row = (short*)values;
        var p = probabilities;
        for (var j = 0; j < length; j++, row += HeadSize, p++)
        {
            var h0 = Vector512.Load(row);
            var h1 = Vector512.Load(row + 32);
            var v0 = MatVec.Raw(Vector512.WidenLower(h0));
            var v1 = MatVec.Raw(Vector512.WidenUpper(h0));
            var v2 = MatVec.Raw(Vector512.WidenLower(h1));
            var v3 = MatVec.Raw(Vector512.WidenUpper(h1));
            var w = Vector512.Create(p[0] * MatVec.HalfScale);
            a00 = Vector512.FusedMultiplyAdd(v0, w, a00);
            a01 = Vector512.FusedMultiplyAdd(v1, w, a01);
            a02 = Vector512.FusedMultiplyAdd(v2, w, a02);
            a03 = Vector512.FusedMultiplyAdd(v3, w, a03);
            if (lanes > 1)
            {
                w = Vector512.Create(p[probabilityStride] * MatVec.HalfScale);
                a10 = Vector512.FusedMultiplyAdd(v0, w, a10);
                a11 = Vector512.FusedMultiplyAdd(v1, w, a11);
                a12 = Vector512.FusedMultiplyAdd(v2, w, a12);
                a13 = Vector512.FusedMultiplyAdd(v3, w, a13);
            }

            if (lanes > 2)
            {
                w = Vector512.Create(p[2 * probabilityStride] * MatVec.HalfScale);
                a20 = Vector512.FusedMultiplyAdd(v0, w, a20);
                a21 = Vector512.FusedMultiplyAdd(v1, w, a21);
                a22 = Vector512.FusedMultiplyAdd(v2, w, a22);
                a23 = Vector512.FusedMultiplyAdd(v3, w, a23);
            }

            if (lanes > 3)
            {
                w = Vector512.Create(p[3 * probabilityStride] * MatVec.HalfScale);
                a30 = Vector512.FusedMultiplyAdd(v0, w, a30);
                a31 = Vector512.FusedMultiplyAdd(v1, w, a31);
                a32 = Vector512.FusedMultiplyAdd(v2, w, a32);
                a33 = Vector512.FusedMultiplyAdd(v3, w, a33);
            }

            if (lanes > 4)
            {
                w = Vector512.Create(p[4 * probabilityStride] * MatVec.HalfScale);
                a40 = Vector512.FusedMultiplyAdd(v0, w, a40);
                a41 = Vector512.FusedMultiplyAdd(v1, w, a41);
                a42 = Vector512.FusedMultiplyAdd(v2, w, a42);
                a43 = Vector512.FusedMultiplyAdd(v3, w, a43);
            }
        }

        Store(a00, a01, a02, a03, outputs);
        if (lanes > 1)
        {
            Store(a10, a11, a12, a13, outputs + outputStride);
        }

        if (lanes > 2)
        {
            Store(a20, a21, a22, a23, outputs + 2L * outputStride);
        }

        if (lanes > 3)
        {
            Store(a30, a31, a32, a33, outputs + 3L * outputStride);
        }

        if (lanes > 4)
        {
            Store(a40, a41, a42, a43, outputs + 4L * outputStride);
        }
    }

    private static void Store(Vector512<float> lower, Vector512<float> upper, float* destination)
    {
        lower.Store(destination);
        upper.Store(destination + 16);
    }

    private static void Store(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, float* destination)
    {
        a0.Store(destination);
        a1.Store(destination + 16);
        a2.Store(destination + 32);
        a3.Store(destination + 48);
    }
}
