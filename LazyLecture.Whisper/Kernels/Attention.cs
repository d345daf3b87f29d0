using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LazyLecture.Whisper.Kernels;

/// <summary>Attention pieces for one query: the probability-weighted sum of value rows.</summary>
internal static unsafe class Attention
{
    /// <summary>output[c] = Σ_j p[j] · values[j·stride + c] for c in [0, width).</summary>
    public static void WeightedSum(ReadOnlySpan<float> p, float* values, int stride, int width, float* output) =>
        WeightedSum(p, new StridedRows(values, stride), width, output);

    /// <summary>output[c] = Σ_j p[j] · rows.Row(j)[c] for c in [0, width): the same sums, in the same order, wherever the rows lie.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightedSum<TRows>(ReadOnlySpan<float> p, TRows rows, int width, float* output)
        where TRows : struct, IValueRows
    {
        var c = 0;
        fixed (float* weights = p)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                for (; c + 64 <= width; c += 64)
                {
                    Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    for (var j = 0; j < p.Length; j++)
                    {
                        var row = rows.Row(j) + c;
                        var w = Vector512.Create(weights[j]);
                        a0 = Vector512.FusedMultiplyAdd(w, Vector512.Load(row), a0);
                        a1 = Vector512.FusedMultiplyAdd(w, Vector512.Load(row + 16), a1);
                        a2 = Vector512.FusedMultiplyAdd(w, Vector512.Load(row + 32), a2);
                        a3 = Vector512.FusedMultiplyAdd(w, Vector512.Load(row + 48), a3);
                    }

                    a0.Store(output + c);
                    a1.Store(output + c + 16);
                    a2.Store(output + c + 32);
                    a3.Store(output + c + 48);
                }

                for (; c + 16 <= width; c += 16)
                {
                    Vector512<float> a0 = default;
                    for (var j = 0; j < p.Length; j++)
                    {
                        var row = rows.Row(j) + c;
                        a0 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[j]), Vector512.Load(row), a0);
                    }

                    a0.Store(output + c);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; c + 32 <= width; c += 32)
                {
                    Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    for (var j = 0; j < p.Length; j++)
                    {
                        var row = rows.Row(j) + c;
                        var w = Vector256.Create(weights[j]);
                        a0 = Vector256.FusedMultiplyAdd(w, Vector256.Load(row), a0);
                        a1 = Vector256.FusedMultiplyAdd(w, Vector256.Load(row + 8), a1);
                        a2 = Vector256.FusedMultiplyAdd(w, Vector256.Load(row + 16), a2);
                        a3 = Vector256.FusedMultiplyAdd(w, Vector256.Load(row + 24), a3);
                    }

                    a0.Store(output + c);
                    a1.Store(output + c + 8);
                    a2.Store(output + c + 16);
                    a3.Store(output + c + 24);
                }
            }

            for (; c < width; c++)
            {
                var sum = 0f;
                for (var j = 0; j < p.Length; j++)
                {
                    sum = MathF.FusedMultiplyAdd(weights[j], rows.Row(j)[c], sum);
                }

                output[c] = sum;
            }
        }
    }

    /// <summary>Positions per key block: one 64-byte cache line of f16 keys per head dimension.</summary>
    public const int KeyBlock = 32;

    /// <summary>Key blocks needed for <paramref name="positions"/> positions (the last one zero-padded).</summary>
    public static int KeyBlocks(int positions) => (positions + KeyBlock - 1) / KeyBlock;

    /// <summary>
    /// Stores one head's f16 keys (rows of <paramref name="keys"/> are positions, the head's channels at
    /// <paramref name="offset"/>) as blocks of <see cref="KeyBlock"/> positions laid out [block][d][position in block],
    /// zero-padding the last block. A query then scores 32 positions per sweep reading one contiguous stream, which
    /// the hardware prefetcher follows (a [d][position] layout reads 64 strided streams and splits cache lines).
    /// </summary>
    public static void StoreKeyBlocks(ReadOnlySpan<ushort> keys, int stride, int offset, int headSize, int positions, Span<ushort> blocks)
    {
        var blockCount = KeyBlocks(positions);
        blocks[..(blockCount * headSize * KeyBlock)].Clear();
        for (var t = 0; t < positions; t++)
        {
            var row = keys.Slice(t * stride + offset, headSize);
            var destination = blocks[((t / KeyBlock) * headSize * KeyBlock + t % KeyBlock)..];
            for (var d = 0; d < headSize; d++)
            {
                destination[d * KeyBlock] = row[d];
            }
        }
    }

    /// <summary>
    /// scores[j] = Σ_d q[d] · K[j][d] for keys stored by <see cref="StoreKeyBlocks"/>; writes all
    /// <paramref name="blocks"/>·32 scores (padding positions score 0). q is f32 already rounded to f16 precision, as
    /// ggml converts it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScoresF16(float* q, ushort* keyBlocks, int headSize, int blocks, float* scores)
    {
        var keys = (short*)keyBlocks;
        if (Vector512.IsHardwareAccelerated)
        {
            for (var b = 0; b < blocks; b++, scores += KeyBlock)
            {
                Vector512<float> lo = default, hi = default;
                for (var d = 0; d < headSize; d++, keys += KeyBlock)
                {
                    var weight = Vector512.Create(q[d] * MatVec.HalfScale);
                    var h = Vector512.Load(keys);
                    lo = Vector512.FusedMultiplyAdd(MatVec.Raw(Vector512.WidenLower(h)), weight, lo);
                    hi = Vector512.FusedMultiplyAdd(MatVec.Raw(Vector512.WidenUpper(h)), weight, hi);
                }

                lo.Store(scores);
                hi.Store(scores + 16);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (var b = 0; b < blocks; b++, scores += KeyBlock)
            {
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (var d = 0; d < headSize; d++, keys += KeyBlock)
                {
                    var weight = Vector256.Create(q[d] * MatVec.HalfScale);
                    var (l0, h0) = Vector256.Widen(Vector256.Load(keys));
                    var (l1, h1) = Vector256.Widen(Vector256.Load(keys + 16));
                    a0 = Vector256.FusedMultiplyAdd(MatVec.Raw(l0), weight, a0);
                    a1 = Vector256.FusedMultiplyAdd(MatVec.Raw(h0), weight, a1);
                    a2 = Vector256.FusedMultiplyAdd(MatVec.Raw(l1), weight, a2);
                    a3 = Vector256.FusedMultiplyAdd(MatVec.Raw(h1), weight, a3);
                }

                a0.Store(scores);
                a1.Store(scores + 8);
                a2.Store(scores + 16);
                a3.Store(scores + 24);
            }
        }
        else
        {
            for (var b = 0; b < blocks; b++, scores += KeyBlock, keys += headSize * KeyBlock)
            {
                for (var j = 0; j < KeyBlock; j++)
                {
                    var sum = 0f;
                    for (var d = 0; d < headSize; d++)
                    {
                        sum = MathF.FusedMultiplyAdd(HalfConversion.ToSingle((ushort)keys[d * KeyBlock + j]), q[d], sum);
                    }

                    scores[j] = sum;
                }
            }
        }
    }

    /// <summary>output[c] = Σ_j p[j] · V[j][c] for f16 values with row stride <paramref name="stride"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightedSumF16(ReadOnlySpan<float> p, ushort* values, int stride, int width, float* output)
    {
        var c = 0;
        fixed (float* weights = p)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                for (; c + 64 <= width; c += 64)
                {
                    Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    var row = (short*)values + c;
                    for (var j = 0; j < p.Length; j++, row += stride)
                    {
                        var w = Vector512.Create(weights[j] * MatVec.HalfScale);
                        var h0 = Vector512.Load(row);
                        var h1 = Vector512.Load(row + 32);
                        a0 = Vector512.FusedMultiplyAdd(MatVec.Raw(Vector512.WidenLower(h0)), w, a0);
                        a1 = Vector512.FusedMultiplyAdd(MatVec.Raw(Vector512.WidenUpper(h0)), w, a1);
                        a2 = Vector512.FusedMultiplyAdd(MatVec.Raw(Vector512.WidenLower(h1)), w, a2);
                        a3 = Vector512.FusedMultiplyAdd(MatVec.Raw(Vector512.WidenUpper(h1)), w, a3);
                    }

                    a0.Store(output + c);
                    a1.Store(output + c + 16);
                    a2.Store(output + c + 32);
                    a3.Store(output + c + 48);
                }

                for (; c + 32 <= width; c += 32)
                {
                    Vector512<float> a0 = default, a1 = default;
                    var row = (short*)values + c;
                    for (var j = 0; j < p.Length; j++, row += stride)
                    {
                        var w = Vector512.Create(weights[j] * MatVec.HalfScale);
                        var h0 = Vector512.Load(row);
                        a0 = Vector512.FusedMultiplyAdd(MatVec.Raw(Vector512.WidenLower(h0)), w, a0);
                        a1 = Vector512.FusedMultiplyAdd(MatVec.Raw(Vector512.WidenUpper(h0)), w, a1);
                    }

                    a0.Store(output + c);
                    a1.Store(output + c + 16);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; c + 32 <= width; c += 32)
                {
                    Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    var row = (short*)values + c;
                    for (var j = 0; j < p.Length; j++, row += stride)
                    {
                        var w = Vector256.Create(weights[j] * MatVec.HalfScale);
                        var (l0, h0) = Vector256.Widen(Vector256.Load(row));
                        var (l1, h1) = Vector256.Widen(Vector256.Load(row + 16));
                        a0 = Vector256.FusedMultiplyAdd(MatVec.Raw(l0), w, a0);
                        a1 = Vector256.FusedMultiplyAdd(MatVec.Raw(h0), w, a1);
                        a2 = Vector256.FusedMultiplyAdd(MatVec.Raw(l1), w, a2);
                        a3 = Vector256.FusedMultiplyAdd(MatVec.Raw(h1), w, a3);
                    }

                    a0.Store(output + c);
                    a1.Store(output + c + 8);
                    a2.Store(output + c + 16);
                    a3.Store(output + c + 24);
                }
            }

            for (; c < width; c++)
            {
                var sum = 0f;
                for (var j = 0; j < p.Length; j++)
                {
                    sum = MathF.FusedMultiplyAdd(weights[j], HalfConversion.ToSingle(values[(long)j * stride + c]), sum);
                }

                output[c] = sum;
            }
        }
    }
}

/// <summary>Where value row j of an attention's weighted sum starts.</summary>
internal unsafe interface IValueRows
{
    float* Row(int j);
}

/// <summary>Rows one after another, <c>stride</c> floats apart.</summary>
internal readonly unsafe struct StridedRows(float* values, int stride) : IValueRows
{
    public float* Row(int j) => values + (long)j * stride;
}

/// <summary>Rows picked from a pool by number: row j is pool + rows[j]·rowLength.</summary>
internal readonly unsafe struct PooledRows(float* pool, int* rows, long rowLength) : IValueRows
{
    public float* Row(int j) => pool + rows[j] * rowLength;
}
