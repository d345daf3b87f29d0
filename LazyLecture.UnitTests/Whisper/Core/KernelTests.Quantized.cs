using System.Runtime.InteropServices;
using LazyLecture.Whisper.Kernels;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Nn;
using Xunit;

namespace LazyLecture.Tests.Whisper.Core;

/// <summary>
/// The integer kernels for quantized weights against a plain reference written from ggml-cpu's x86 code: activations
/// quantized as quantize_row_q8_0/q8_1 do it, and ggml_vec_dot_q*_q8_* with its 8 lane accumulators summed in
/// hsum_float_8's order. Every path must give the reference's bits exactly.
/// </summary>
public sealed unsafe partial class KernelTests
{
    /// <summary>Set only in the child runs of <see cref="KernelInstructionSetTests"/>: the integer dot path they must take.</summary>
    public const string ExpectedIntegerDotSetting = "LAZYLECTURE_TESTS_EXPECTED_INTEGER_DOT";

    public static TheoryData<int, int> QuantizedTypesAndLengths => new()
    {
        { (int)GgmlType.Q4_0, 64 }, { (int)GgmlType.Q4_1, 64 }, { (int)GgmlType.Q5_0, 64 }, { (int)GgmlType.Q5_1, 64 }, { (int)GgmlType.Q8_0, 64 },
        { (int)GgmlType.Q4_0, 1536 }, { (int)GgmlType.Q4_1, 1536 }, { (int)GgmlType.Q5_0, 1536 }, { (int)GgmlType.Q5_1, 1536 }, { (int)GgmlType.Q8_0, 1536 },
        { (int)GgmlType.Q5_1, 32 }, { (int)GgmlType.Q8_0, 416 },
    };

    [Fact]
    public void Integer_dot_path_is_the_one_an_instruction_set_run_asked_for()
    {
        var expected = Environment.GetEnvironmentVariable(ExpectedIntegerDotSetting);
        if (expected is not null)
        {
            Assert.Equal(expected, QuantizedDot.Instructions.ToString());
        }
    }

    [Fact]
    public void Activations_quantize_with_127_over_max_and_ties_to_even_like_ggml_x86()
    {
        // max |x| = 127, so the multiplier is 1 and the quants are the rounded values themselves.
        var x = new float[32];
        float[] given = [127f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 3.49f, -126.6f];
        given.CopyTo(x, 0);
        var row = stackalloc byte[Q8Activations.RowBytes(32)];

        Q8Activations.Quantize(x, row);

        sbyte[] expected = [127, 0, 2, 2, 0, -2, -2, 3, -127];
        for (var j = 0; j < 32; j++)
        {
            Assert.Equal(j < expected.Length ? expected[j] : 0, Q8Activations.Quants(row)[j]);
        }

        Assert.Equal(1f, Q8Activations.Scales(row, 32)[0]);
        Assert.Equal(127f + 2 + 2 - 2 - 2 + 3 - 127, Q8Activations.Sums(row, 32)[0]);
    }

    [Theory]
    [MemberData(nameof(QuantizedTypesAndLengths))]
    public void Activations_quantize_like_the_reference(int typeCode, int k)
    {
        var type = (GgmlType)typeCode;
        _ = type; // the activations' quantization is the same whatever the weights
        var x = RandomActivations(k);
        var row = new byte[Q8Activations.RowBytes(k)];
        fixed (byte* r = row)
        {
            Q8Activations.Quantize(x, r);
            var (quants, scales, sums) = ReferenceQuantize(x);
            Assert.Equal(quants, new ReadOnlySpan<sbyte>(Q8Activations.Quants(r), k).ToArray());
            Assert.Equal(scales, new ReadOnlySpan<float>(Q8Activations.Scales(r, k), k / 32).ToArray());
            Assert.Equal(sums, new ReadOnlySpan<float>(Q8Activations.Sums(r, k), k / 32).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(QuantizedTypesAndLengths))]
    public void Quantized_dot_gives_the_bits_of_the_reference_for_one_or_several_inputs(int typeCode, int k)
    {
        var type = (GgmlType)typeCode;
        const int inputs = 7;
        var weights = RandomBlocks(type, k);
        var x = RandomActivations(inputs * k);
        var rowBytes = Q8Activations.RowBytes(k);
        var quantized = new byte[inputs * rowBytes];
        var output = new float[inputs];
        fixed (byte* w = weights)
        fixed (byte* q = quantized)
        fixed (float* y = output)
        {
            for (var i = 0; i < inputs; i++)
            {
                Q8Activations.Quantize(x.AsSpan(i * k, k), q + i * rowBytes);
            }

            QuantizedDot.Dot(type, w, k, q, rowBytes, inputs, y, 1);

            for (var i = 0; i < inputs; i++)
            {
                var expected = ReferenceDot(type, weights, ReferenceQuantize(x.AsSpan(i * k, k)));
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(output[i]), $"input {i}: expected {expected:R}, got {output[i]:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(QuantizedTypesAndLengths))]
    public void Quantized_dot_is_close_to_the_float_dot_of_the_dequantized_weights(int typeCode, int k)
    {
        var type = (GgmlType)typeCode;
        var weights = RandomBlocks(type, k);
        var x = RandomActivations(k);
        var dequantized = new float[k];
        var prepared = new float[k];
        var y = new float[1];
        fixed (byte* w = weights)
        fixed (float* p = prepared)
        fixed (float* output = y)
        {
            Dequantize.Row(type, w, dequantized);
            MatVec.PrepareInput(type, x, prepared);
            var tensor = new GgmlTensor("w", type, [k, 1], w, weights.Length);
            MatVec.MultiplyRows(tensor, p, output, 0, 1);
        }

        double exact = 0, scale = 0;
        for (var i = 0; i < k; i++)
        {
            exact += (double)dequantized[i] * x[i];
            scale += Math.Abs((double)dequantized[i] * x[i]);
        }

        // Only the activations' 8-bit rounding separates the two (relative step 1/254 per value at most).
        Assert.InRange(y[0], exact - scale / 100, exact + scale / 100);
    }

    [Theory]
    [MemberData(nameof(QuantizedTypesAndLengths))]
    public void Quantized_matrix_vector_products_give_every_row_and_input_the_bits_of_the_reference(int typeCode, int k)
    {
        // 11 rows: passes of four rows plus a remainder; 1, 5 and 6 inputs: one beam, five beams, a full tile and more.
        var type = (GgmlType)typeCode;
        const int n = 11;
        var rows = new byte[n][];
        var weights = new List<byte>();
        for (var j = 0; j < n; j++)
        {
            rows[j] = RandomBlocks(type, k);
            weights.AddRange(rows[j]);
        }

        var w = weights.ToArray();
        foreach (var inputs in new[] { 1, 5, 6 })
        {
            var x = RandomActivations(inputs * k);
            var stride = k + 16; // floats between prepared inputs, as the decoder's lanes are apart
            var prepared = new float[inputs * stride];
            var output = new float[inputs * n];
            fixed (byte* pw = w)
            fixed (float* p = prepared)
            fixed (float* y = output)
            {
                var tensor = new GgmlTensor("w", type, [k, n], pw, w.Length);
                for (var i = 0; i < inputs; i++)
                {
                    MatVec.PrepareInput(type, x.AsSpan(i * k, k), prepared.AsSpan(i * stride, stride));
                }

                if (inputs == 1)
                {
                    MatVec.MultiplyRows(tensor, p, y, 0, n);
                }
                else
                {
                    MatVec.MultiplyRowsBatch(tensor, p, inputs, stride, y, n, 0, n);
                }
            }

            for (var i = 0; i < inputs; i++)
            {
                var activations = ReferenceQuantize(x.AsSpan(i * k, k));
                for (var j = 0; j < n; j++)
                {
                    var expected = ReferenceDot(type, rows[j], activations);
                    var actual = output[i * n + j];
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), $"{inputs} inputs, input {i}, row {j}: expected {expected:R}, got {actual:R}");
                }
            }
        }
    }

    [Theory]
    [InlineData((int)GgmlType.Q8_0)]
    [InlineData((int)GgmlType.Q4_1)] // with a minimum, converted the same way
    public void Quantized_rows_whose_scales_are_subnormal_negative_infinite_or_nan_give_the_bits_of_the_reference(int typeCode)
    {
        // The four-row pass converts four f16 scales at once without a branch; these are the values a branch would single out.
        var type = (GgmlType)typeCode;
        const int k = 64, n = 4;
        ushort[] scales = [0x0001, 0x03FF, 0x8200, 0xC000, 0x7C00, 0xFC00, 0x7E00, 0x3C00];
        var rows = new byte[n][];
        for (var j = 0; j < n; j++)
        {
            rows[j] = RandomBlocks(type, k);
            for (var b = 0; b < k / 32; b++)
            {
                var block = rows[j].AsSpan(b * GgmlTypeLayout.BlockBytes(type));
                MemoryMarshal.Write(block, scales[(j * 2 + b) % scales.Length]);
                if (type == GgmlType.Q4_1)
                {
                    MemoryMarshal.Write(block[2..], scales[(j * 2 + b + 1) % 4]); // finite minimums: rows 0 and 1 stay finite
                }
            }
        }

        var w = rows.SelectMany(r => r).ToArray();
        var x = RandomActivations(k);
        var prepared = new float[k + 16];
        var output = new float[n];
        fixed (byte* pw = w)
        fixed (float* p = prepared, y = output)
        {
            MatVec.PrepareInput(type, x, prepared);
            MatVec.MultiplyRows(new GgmlTensor("w", type, [k, n], pw, w.Length), p, y, 0, n);
        }

        var activations = ReferenceQuantize(x);
        for (var j = 0; j < n; j++)
        {
            var expected = ReferenceDot(type, rows[j], activations);
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(output[j]) || (float.IsNaN(expected) && float.IsNaN(output[j])),
                $"row {j}: expected {expected:R}, got {output[j]:R}");
        }

        Assert.Contains(output, float.IsNaN);
        Assert.Contains(output, float.IsFinite);
    }

    [Theory]
    [InlineData((int)GgmlType.Q8_0, 37, 64, 5)]
    [InlineData((int)GgmlType.Q5_1, 70, 96, 33)]
    [InlineData((int)GgmlType.Q4_0, 3, 32, 9)]
    public void Quantized_matrix_product_gives_each_row_the_bits_of_the_matrix_vector_product(int typeCode, int m, int k, int n)
    {
        var type = (GgmlType)typeCode;
        var blocks = new List<byte>();
        for (var j = 0; j < n; j++)
        {
            blocks.AddRange(RandomBlocks(type, k));
        }

        var w = blocks.ToArray();
        var a = RandomActivations(m * k);
        var product = new float[m * n];
        var prepared = new float[k];
        var single = new float[n];
        fixed (byte* pw = w)
        fixed (float* pa = a)
        fixed (float* c = product)
        fixed (float* p = prepared)
        fixed (float* y = single)
        {
            var tensor = new GgmlTensor("w", type, [k, n], pw, w.Length);
            QuantizedMatMul.Multiply(pa, m, tensor, c, threads: 2);
            for (var r = 0; r < m; r++)
            {
                MatVec.PrepareInput(type, a.AsSpan(r * k, k), prepared);
                MatVec.MultiplyRows(tensor, p, y, 0, n);
                Assert.Equal(single, product.AsSpan(r * n, n).ToArray());
            }
        }
    }

    private float[] RandomActivations(int n)
    {
        var values = new float[n];
        for (var i = 0; i < n; i++)
        {
            // Mostly O(1) with a few outliers, as activations are; some blocks all zero (d = 0).
            values[i] = i / 32 % 7 == 6 ? 0f : (float)((_random.NextDouble() * 2 - 1) * (_random.Next(20) == 0 ? 30 : 1));
        }

        return values;
    }

    // Random quants and f16 scales (and minimums) of realistic size for every block.
    private byte[] RandomBlocks(GgmlType type, int k)
    {
        var blockBytes = GgmlTypeLayout.BlockBytes(type);
        var data = new byte[k / 32 * blockBytes];
        _random.NextBytes(data);
        for (var b = 0; b < k / 32; b++)
        {
            var block = data.AsSpan(b * blockBytes, blockBytes);
            MemoryMarshal.Write(block, BitConverter.HalfToUInt16Bits((Half)(_random.NextDouble() * 0.01)));
            if (type is GgmlType.Q4_1 or GgmlType.Q5_1)
            {
                MemoryMarshal.Write(block[2..], BitConverter.HalfToUInt16Bits((Half)(-_random.NextDouble() * 0.1)));
            }

            if (type == GgmlType.Q8_0)
            {
                for (var j = 2; j < blockBytes; j++)
                {
                    block[j] = (byte)(sbyte)_random.Next(-127, 128); // ggml's q8_0 never holds -128
                }
            }
        }

        return data;
    }

    // quantize_row_q8_0/q8_1 of ggml-cpu (x86): d = max/127 kept as f16, q = nearbyint(x · (127/max)), s = f16(d · Σq).
    private static (sbyte[] Quants, float[] Scales, float[] Sums) ReferenceQuantize(ReadOnlySpan<float> x)
    {
        var quants = new sbyte[x.Length];
        var scales = new float[x.Length / 32];
        var sums = new float[x.Length / 32];
        for (var b = 0; b < scales.Length; b++)
        {
            var max = 0f;
            for (var j = 0; j < 32; j++)
            {
                max = Math.Max(max, Math.Abs(x[b * 32 + j]));
            }

            var id = max != 0 ? 127f / max : 0f;
            var sum = 0;
            for (var j = 0; j < 32; j++)
            {
                var product = x[b * 32 + j] * id;
                quants[b * 32 + j] = (sbyte)Math.Round(product, MidpointRounding.ToEven);
                sum += quants[b * 32 + j];
            }

            scales[b] = (float)(Half)(max / 127f);
            sums[b] = (float)(Half)(max / 127f * sum);
        }

        return (quants, scales, sums);
    }

    // ggml_vec_dot_q*_q8_* (x86): per block 8 integer lanes of 4 neighbours, acc[l] = fma(dx·dy, lane, acc[l]),
    // then hsum_float_8 and, for types with a minimum, Σ fma(m, s).
    private static float ReferenceDot(GgmlType type, byte[] weights, (sbyte[] Quants, float[] Scales, float[] Sums) a)
    {
        var blockBytes = GgmlTypeLayout.BlockBytes(type);
        var acc = new float[8];
        var minimum = 0f;
        for (var b = 0; b < a.Scales.Length; b++)
        {
            var block = weights.AsSpan(b * blockBytes, blockBytes);
            var dx = (float)BitConverter.UInt16BitsToHalf(MemoryMarshal.Read<ushort>(block));
            var values = ReferenceValues(type, block);
            for (var lane = 0; lane < 8; lane++)
            {
                var sum = 0;
                for (var j = 4 * lane; j < 4 * lane + 4; j++)
                {
                    sum += values[j] * a.Quants[b * 32 + j];
                }

                acc[lane] = MathF.FusedMultiplyAdd(dx * a.Scales[b], sum, acc[lane]);
            }

            if (type is GgmlType.Q4_1 or GgmlType.Q5_1)
            {
                minimum = MathF.FusedMultiplyAdd((float)BitConverter.UInt16BitsToHalf(MemoryMarshal.Read<ushort>(block[2..])), a.Sums[b], minimum);
            }
        }

        return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7])) + minimum;
    }

    // The 32 integer values of a block as ggml-common.h lays them out (low nibbles are values 0–15).
    private static int[] ReferenceValues(GgmlType type, ReadOnlySpan<byte> block)
    {
        var values = new int[32];
        var (quantsAt, highAt, offset) = type switch
        {
            GgmlType.Q4_0 => (2, -1, -8),
            GgmlType.Q4_1 => (4, -1, 0),
            GgmlType.Q5_0 => (6, 2, -16),
            GgmlType.Q5_1 => (8, 4, 0),
            _ => (2, -1, 0),
        };
        var high = highAt < 0 ? 0u : MemoryMarshal.Read<uint>(block[highAt..]);
        for (var j = 0; j < 32; j++)
        {
            var nibble = j < 16 ? block[quantsAt + j] & 15 : block[quantsAt + j - 16] >> 4;
            values[j] = type == GgmlType.Q8_0 ? (sbyte)block[2 + j] : nibble + (int)(((high >> j) & 1) << 4) + offset;
        }

        return values;
    }
}
