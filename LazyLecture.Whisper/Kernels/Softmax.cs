using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LazyLecture.Whisper.Kernels;

/// <summary>ggml_soft_max_ext without mask: softmax(scale · x) over a row, in place, with a vectorised expf.</summary>
internal static unsafe class Softmax
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    private const float MinInput = -87.3f;
    private const float MaxInput = 88.3f;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(Span<float> row, float scale)
    {
        if (row.IsEmpty)
        {
            return;
        }

        if (scale != 1f)
        {
            TensorPrimitives.Multiply(row, scale, row);
        }

        var max = TensorPrimitives.Max(row);
        var n = row.Length;
        var i = 0;
        var sum = 0f;
        fixed (float* x = row)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                var acc = Vector512<float>.Zero;
                var shift = Vector512.Create(max);
                for (; i + 16 <= n; i += 16)
                {
                    var e = Exp(Vector512.Load(x + i) - shift);
                    e.Store(x + i);
                    acc += e;
                }

                sum = Vector512.Sum(acc);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                var acc = Vector256<float>.Zero;
                var shift = Vector256.Create(max);
                for (; i + 8 <= n; i += 8)
                {
                    var e = Exp(Vector256.Load(x + i) - shift);
                    e.Store(x + i);
                    acc += e;
                }

                sum = Vector256.Sum(acc);
            }

            for (; i < n; i++)
            {
                var e = MathF.Exp(x[i] - max);
                x[i] = e;
                sum += e;
            }
        }

        TensorPrimitives.Multiply(row, 1f / sum, row);
    }

    /// <summary>Cephes-style expf: 2^n · p(r) with r = x − n·ln2 in two parts; relative error about 1e-7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(MinInput)), Vector512.Create(MaxInput));
        var n = Vector512.Floor(Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(0.5f)));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        var pow2 = (Vector512.ConvertToInt32(n) + Vector512.Create(127)) << 23;
        return p * pow2.AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(MinInput)), Vector256.Create(MaxInput));
        var n = Vector256.Floor(Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(0.5f)));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.Create(1.9875691500e-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        p = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
        var pow2 = (Vector256.ConvertToInt32(n) + Vector256.Create(127)) << 23;
        return p * pow2.AsSingle();
    }
}
