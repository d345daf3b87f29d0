using System.Runtime.CompilerServices;
using LazyLecture.Whisper.Kernels;
using LazyLecture.Whisper.Model;
using Xunit;

namespace LazyLecture.Tests.Whisper.Core;

/// <summary>Each optimised kernel against a plain scalar reference written here.</summary>
public sealed unsafe partial class KernelTests
{
    private readonly Random _random = new(1234);

    /// <summary>
    /// In the child runs of <see cref="KernelInstructionSetTests"/>, proves the runtime setting really moved the kernels off
    /// their wider paths (an ignored setting would re-test the AVX-512 paths and pass); in other runs there is nothing to check.
    /// </summary>
    [Fact]
    public void Vector_width_is_the_one_an_instruction_set_run_asked_for()
    {
        var expected = Environment.GetEnvironmentVariable(KernelInstructionSetTests.ExpectedVectorWidthSetting);
        if (expected is not null)
        {
            Assert.Equal(int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), KernelInstructionSetTests.WidestAcceleratedVector);
        }
    }

    [Fact]
    public void Half_to_single_conversion_is_exact_for_every_bit_pattern()
    {
        var bits = new ushort[65536];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = (ushort)i;
        }

        var converted = new float[bits.Length];
        HalfConversion.ToSingle(bits, converted);

        for (var i = 0; i < bits.Length; i++)
        {
            var expected = (float)BitConverter.UInt16BitsToHalf((ushort)i);
            Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(converted[i]) || (float.IsNaN(expected) && float.IsNaN(converted[i])),
                $"0x{i:x4}: expected {expected}, got {converted[i]}");
        }
    }

    [Fact]
    public void Rounding_to_half_precision_matches_the_ieee_conversion_including_ties_subnormals_and_overflow()
    {
        var values = new float[20_000];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (i % 4) switch
            {
                0 => (float)(_random.NextDouble() * 200 - 100),
                1 => (float)((_random.NextDouble() - 0.5) * 1e-4), // around the f16 subnormal range
                2 => (float)BitConverter.UInt16BitsToHalf((ushort)_random.Next(0, 0x7C00)) * (1 + 1f / 2048), // exact ties
                _ => (float)((_random.NextDouble() - 0.5) * 140_000), // beyond 65504 overflows to infinity
            };
        }

        var rounded = values.ToArray();
        HalfConversion.RoundToHalfPrecision(rounded);

        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal((float)(Half)values[i], rounded[i]);
        }
    }

    [Fact]
    public void Single_to_half_bits_matches_the_ieee_conversion()
    {
        var values = new float[5000];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (i % 3) switch
            {
                0 => (float)((_random.NextDouble() - 0.5) * 200),
                1 => (float)((_random.NextDouble() - 0.5) * 2e-4),
                _ => (float)((_random.NextDouble() - 0.5) * 140_000),
            };
        }

        values[0] = 0f;
        values[1] = -0f;
        values[2] = float.PositiveInfinity;
        var bits = new ushort[values.Length];

        HalfConversion.ToHalfBits(values, new float[values.Length], bits);

        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(BitConverter.HalfToUInt16Bits((Half)values[i]), bits[i]);
        }
    }

    [Theory]
    [InlineData((ushort)0x3C00, 1.0f)]
    [InlineData((ushort)0xC000, -2.0f)]
    [InlineData((ushort)0x7BFF, 65504f)]
    [InlineData((ushort)0x0001, 5.9604645e-8f)]
    [InlineData((ushort)0x3555, 0.33325195f)]
    public void F16_rows_dequantise_to_known_values(ushort bits, float expected)
    {
        var row = new ushort[32];
        row.AsSpan().Fill(bits);
        var output = new float[32];
        fixed (ushort* data = row)
        {
            Dequantize.Row(GgmlType.F16, (byte*)data, output);
        }

        Assert.All(output, v => Assert.Equal(expected, v));
    }

    [Fact]
    public void Q8_0_block_dequantises_to_scale_times_quants()
    {
        var block = new byte[34];
        BitConverter.TryWriteBytes(block, BitConverter.HalfToUInt16Bits((Half)0.5f));
        for (var j = 0; j < 32; j++)
        {
            block[2 + j] = unchecked((byte)(sbyte)(j - 16));
        }

        var output = DequantizeBlock(GgmlType.Q8_0, block);

        for (var j = 0; j < 32; j++)
        {
            Assert.Equal((j - 16) * 0.5f, output[j]);
        }
    }

    [Fact]
    public void Q4_0_and_q4_1_blocks_dequantise_low_nibbles_first_then_high_nibbles()
    {
        var q40 = new byte[18];
        var q41 = new byte[20];
        BitConverter.TryWriteBytes(q40, BitConverter.HalfToUInt16Bits((Half)2f));
        BitConverter.TryWriteBytes(q41, BitConverter.HalfToUInt16Bits((Half)0.25f));
        BitConverter.TryWriteBytes(q41.AsSpan(2), BitConverter.HalfToUInt16Bits((Half)(-1f)));
        for (var j = 0; j < 16; j++)
        {
            q40[2 + j] = (byte)(j | ((15 - j) << 4));
            q41[4 + j] = (byte)(j | ((15 - j) << 4));
        }

        var a = DequantizeBlock(GgmlType.Q4_0, q40);
        var b = DequantizeBlock(GgmlType.Q4_1, q41);

        for (var j = 0; j < 16; j++)
        {
            Assert.Equal((j - 8) * 2f, a[j]);
            Assert.Equal((15 - j - 8) * 2f, a[j + 16]);
            Assert.Equal(j * 0.25f - 1f, b[j]);
            Assert.Equal((15 - j) * 0.25f - 1f, b[j + 16]);
        }
    }

    [Fact]
    public void Q5_0_and_q5_1_blocks_take_the_fifth_bit_from_qh()
    {
        const uint qh = 0b1010_0000_0000_0001_0000_0000_0000_0011; // bits 0, 1, 16, 29, 31 set
        var q50 = new byte[22];
        var q51 = new byte[24];
        BitConverter.TryWriteBytes(q50, BitConverter.HalfToUInt16Bits((Half)1f));
        BitConverter.TryWriteBytes(q50.AsSpan(2), qh);
        BitConverter.TryWriteBytes(q51, BitConverter.HalfToUInt16Bits((Half)0.5f));
        BitConverter.TryWriteBytes(q51.AsSpan(2), BitConverter.HalfToUInt16Bits((Half)3f));
        BitConverter.TryWriteBytes(q51.AsSpan(4), qh);
        for (var j = 0; j < 16; j++)
        {
            q50[6 + j] = (byte)(j | (j << 4));
            q51[8 + j] = (byte)(j | (j << 4));
        }

        var a = DequantizeBlock(GgmlType.Q5_0, q50);
        var b = DequantizeBlock(GgmlType.Q5_1, q51);

        for (var j = 0; j < 32; j++)
        {
            var quant = (j & 15) | (int)(((qh >> j) & 1) << 4);
            Assert.Equal(quant - 16f, a[j]);
            Assert.Equal(quant * 0.5f + 3f, b[j]);
        }
    }

    [Theory]
    [InlineData(1, 7, 5)]
    [InlineData(13, 37, 45)]
    [InlineData(50, 64, 96)]
    [InlineData(100, 240, 70)]
    public void Packed_matrix_multiply_matches_the_triple_loop(int m, int k, int n)
    {
        var a = RandomArray(m * k);
        var bRows = RandomArray(n * k); // B given as N rows of K (Bᵀ), like weights and keys
        var c = GC.AllocateArray<float>(m * n, pinned: true);
        var packed = new PackedMatrix();
        fixed (float* pb = bRows)
        {
            packed.PackTransposed(pb, n, k, k);
        }

        fixed (float* pa = a)
        {
            MatMul.Multiply(pa, k, m, packed, (float*)Unsafe.AsPointer(ref c[0]), n, threads: 2);
        }

        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double expected = 0;
                for (var kk = 0; kk < k; kk++)
                {
                    expected += a[i * k + kk] * bRows[j * k + kk];
                }

                Assert.Equal(expected, c[i * n + j], 1e-3);
            }
        }
    }

    [Fact]
    public void Row_major_packing_multiplies_like_the_transposed_packing()
    {
        const int m = 9, k = 33, n = 40;
        var a = RandomArray(m * k);
        var b = RandomArray(k * n);
        var c = new float[m * n];
        var packed = new PackedMatrix();
        fixed (float* pa = a, pb = b, pc = c)
        {
            packed.Pack(pb, k, n, n);
            MatMul.Multiply(pa, k, m, packed, pc, n);
        }

        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double expected = 0;
                for (var kk = 0; kk < k; kk++)
                {
                    expected += a[i * k + kk] * b[kk * n + j];
                }

                Assert.Equal(expected, c[i * n + j], 1e-3);
            }
        }
    }

    [Theory]
    [InlineData(384)]
    [InlineData(100)]
    public void F16_matrix_vector_product_matches_converting_then_summing(int k)
    {
        const int rows = 10;
        var weights = GC.AllocateArray<ushort>(rows * k, pinned: true);
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = BitConverter.HalfToUInt16Bits((Half)((_random.NextDouble() - 0.5) * 4));
        }

        var x = RandomArray(k);
        var prepared = new float[k];
        var y = new float[rows];
        var tensor = new GgmlTensor("w", GgmlType.F16, [k, rows], (byte*)Unsafe.AsPointer(ref weights[0]), weights.Length * 2L);

        MatVec.PrepareInput(GgmlType.F16, x, prepared);
        fixed (float* pp = prepared, py = y)
        {
            MatVec.MultiplyRows(tensor, pp, py, 0, rows);
        }

        for (var r = 0; r < rows; r++)
        {
            double expected = 0;
            for (var i = 0; i < k; i++)
            {
                expected += (float)BitConverter.UInt16BitsToHalf(weights[r * k + i]) * (float)(Half)x[i];
            }

            Assert.Equal(expected, y[r], 1e-3);
        }
    }

    [Theory]
    [InlineData(384, 2)]
    [InlineData(384, 3)]
    [InlineData(384, 5)] // tiny's width, best-of 5: one pass with AVX-512, four inputs and one with AVX2
    [InlineData(384, 6)]
    [InlineData(384, 8)] // more than one pass whatever the vector width
    [InlineData(100, 5)] // not a multiple of the vector step: each input on its own
    [InlineData(80, 3)] // a whole number of AVX2 steps but not of AVX-512 steps
    public void F16_product_for_several_inputs_is_bit_identical_to_one_input_at_a_time(int k, int inputs)
    {
        const int rows = 13;
        var weights = GC.AllocateArray<ushort>(rows * k, pinned: true);
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = BitConverter.HalfToUInt16Bits((Half)((_random.NextDouble() - 0.5) * 4));
        }

        var tensor = new GgmlTensor("w", GgmlType.F16, [k, rows], (byte*)Unsafe.AsPointer(ref weights[0]), weights.Length * 2L);
        var prepared = new float[inputs * k];
        for (var i = 0; i < inputs; i++)
        {
            MatVec.PrepareInput(GgmlType.F16, RandomArray(k), prepared.AsSpan(i * k, k));
        }

        const int outputStride = rows + 3;
        var together = new float[inputs * outputStride];
        var alone = new float[inputs * outputStride];
        fixed (float* pp = prepared, pt = together, pa = alone)
        {
            MatVec.MultiplyRowsBatch(tensor, pp, inputs, k, pt, outputStride, 2, rows); // rows 0 and 1 left out
            for (var i = 0; i < inputs; i++)
            {
                MatVec.MultiplyRows(tensor, pp + i * k, pa + i * outputStride, 2, rows);
            }
        }

        Assert.Equal(alone, together);
        Assert.Contains(together, value => value != 0f);
    }

    [Theory]
    [InlineData(1500)] // whisper's audio context: the last key block is padded
    [InlineData(64)] // whole blocks only
    [InlineData(5)] // fewer positions than one block
    public void F16_attention_scores_over_key_blocks_and_weighted_sum_match_scalar_loops(int positions)
    {
        const int headSize = 64, stride = 384, offset = 128;
        var keys = RandomHalves(positions * stride); // [position][channel], the head's channels at offset
        var values = RandomHalves(positions * stride);
        var blocks = Attention.KeyBlocks(positions);
        var keyBlocks = new ushort[blocks * headSize * Attention.KeyBlock];
        keyBlocks.AsSpan().Fill(0x3C00); // 1.0: padding must be overwritten with zeros
        Attention.StoreKeyBlocks(keys, stride, offset, headSize, positions, keyBlocks);

        var q = RandomArray(headSize);
        HalfConversion.RoundToHalfPrecision(q);
        var scores = new float[blocks * Attention.KeyBlock];
        var p = RandomArray(positions);
        var output = new float[headSize];
        fixed (ushort* pk = keyBlocks, pv = values)
        fixed (float* pq = q, ps = scores, po = output)
        {
            Attention.ScoresF16(pq, pk, headSize, blocks, ps);
            Attention.WeightedSumF16(p, pv + offset, stride, headSize, po);
        }

        for (var j = 0; j < positions; j++)
        {
            double expected = 0;
            for (var d = 0; d < headSize; d++)
            {
                expected += q[d] * (float)BitConverter.UInt16BitsToHalf(keys[j * stride + offset + d]);
            }

            Assert.Equal(expected, scores[j], 1e-3);
        }

        for (var j = positions; j < scores.Length; j++)
        {
            Assert.Equal(0f, scores[j]);
        }

        for (var c = 0; c < headSize; c++)
        {
            double expected = 0;
            for (var j = 0; j < positions; j++)
            {
                expected += p[j] * (float)BitConverter.UInt16BitsToHalf(values[j * stride + offset + c]);
            }

            Assert.Equal(expected, output[c], 1e-2);
        }
    }

    private ushort[] RandomHalves(int count)
    {
        var halves = new ushort[count];
        for (var i = 0; i < halves.Length; i++)
        {
            halves[i] = BitConverter.HalfToUInt16Bits((Half)(_random.NextDouble() - 0.5));
        }

        return halves;
    }

    [Fact]
    public void F32_weighted_sum_matches_the_scalar_loop()
    {
        const int rows = 37, stride = 100, width = 80;
        var values = RandomArray(rows * stride);
        var p = RandomArray(rows);
        var output = new float[width];
        fixed (float* pv = values, po = output)
        {
            Attention.WeightedSum(p, pv, stride, width, po);
        }

        for (var c = 0; c < width; c++)
        {
            double expected = 0;
            for (var j = 0; j < rows; j++)
            {
                expected += p[j] * values[j * stride + c];
            }

            Assert.Equal(expected, output[c], 1e-4);
        }
    }

    [Theory]
    [InlineData(1, 1f)]
    [InlineData(7, 0.125f)]
    [InlineData(1500, 0.35355339f)]
    public void Softmax_matches_the_double_precision_formula(int n, float scale)
    {
        var x = new float[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = (float)((_random.NextDouble() - 0.5) * 60);
        }

        var y = x.ToArray();
        Softmax.Apply(y, scale);

        var max = double.NegativeInfinity;
        foreach (var v in x)
        {
            max = Math.Max(max, v * (double)scale);
        }

        var sum = 0.0;
        foreach (var v in x)
        {
            sum += Math.Exp(v * (double)scale - max);
        }

        for (var i = 0; i < n; i++)
        {
            var expected = Math.Exp(x[i] * (double)scale - max) / sum;
            Assert.True(Math.Abs(expected - y[i]) <= 1e-6 + 1e-5 * expected, $"{i}: expected {expected}, got {y[i]}");
        }
    }

    [Fact]
    public void Layer_norm_matches_the_textbook_formula()
    {
        const int n = 384;
        var x = RandomArray(n);
        var w = RandomArray(n);
        var b = RandomArray(n);
        var y = new float[n];

        LayerNorm.Apply(x, w, b, y);

        var mean = 0.0;
        foreach (var v in x)
        {
            mean += v;
        }

        mean /= n;
        var variance = 0.0;
        foreach (var v in x)
        {
            variance += (v - mean) * (v - mean);
        }

        variance /= n;
        for (var i = 0; i < n; i++)
        {
            Assert.Equal((x[i] - mean) / Math.Sqrt(variance + 1e-5) * w[i] + b[i], y[i], 1e-4);
        }
    }

    [Fact]
    public void Gelu_is_the_f16_table_of_the_tanh_formula_with_identity_and_zero_tails()
    {
        var x = new float[4000];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)((_random.NextDouble() - 0.5) * 30);
        }

        x[0] = 1e-6f; // f16 subnormal input
        var y = x.ToArray();
        Gelu.Apply(y);

        for (var i = 0; i < x.Length; i++)
        {
            var v = x[i];
            var expected = v <= -10f ? 0f : v >= 10f ? v : (float)(Half)Gelu.Formula((float)(Half)v);
            Assert.Equal(expected, y[i]);
            var exact = 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            Assert.True(Math.Abs(exact - y[i]) <= 2e-3 * Math.Max(1, Math.Abs(exact)), $"{v}: {y[i]} vs {exact}");
        }
    }

    [Theory]
    [InlineData(400)]
    [InlineData(64)]
    [InlineData(25)]
    public void Fft_matches_the_direct_dft(int n)
    {
        var fft = new Fft(n);
        var input = RandomArray(n);
        var output = new float[2 * n];

        fft.Transform(input, output);

        for (var k = 0; k < n; k++)
        {
            double re = 0, im = 0;
            for (var j = 0; j < n; j++)
            {
                re += input[j] * Math.Cos(2 * Math.PI * k * j / n);
                im -= input[j] * Math.Sin(2 * Math.PI * k * j / n);
            }

            Assert.Equal(re, output[2 * k], 1e-3);
            Assert.Equal(im, output[2 * k + 1], 1e-3);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Worker_team_runs_every_item_exactly_once_and_returns_only_when_all_have_finished(int threads)
    {
        // Job sizes as a decode step dispatches them (2 heads, 4 and 16 row chunks, 17 for the logits): a worker that came
        // late for a smaller job could claim an item of the next, larger one and make Run return before its last item ended.
        int[] sizes = [2, 4, 2, 4, 16, 4, 17, 1, 37];
        using var team = new WorkerTeam(threads);
        for (var job = 0; job < 100_000; job++)
        {
            var count = sizes[job % sizes.Length];
            var started = new int[count];
            var finished = new int[count];
            team.Run(count, i =>
            {
                Interlocked.Increment(ref started[i]);
                Thread.SpinWait(20);
                Interlocked.Increment(ref finished[i]);
            });
            for (var i = 0; i < count; i++)
            {
                if (Volatile.Read(ref started[i]) != 1 || Volatile.Read(ref finished[i]) != 1)
                {
                    Assert.Fail($"job {job} ({count} items): item {i} started {started[i]} times and finished {finished[i]} times when Run returned");
                }
            }
        }
    }

    [Fact]
    public void Worker_team_reports_a_failing_item()
    {
        using var team = new WorkerTeam(2);
        var ex = Assert.Throws<AggregateException>(() => team.Run(10, i =>
        {
            if (i == 7)
            {
                throw new InvalidOperationException("item 7");
            }
        }));
        Assert.Contains("item 7", ex.InnerException!.Message);
    }

    private float[] RandomArray(int n)
    {
        var values = new float[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = (float)(_random.NextDouble() * 2 - 1);
        }

        return values;
    }

    private static float[] DequantizeBlock(GgmlType type, byte[] block)
    {
        var output = new float[32];
        fixed (byte* data = block)
        {
            Dequantize.Row(type, data, output);
        }

        return output;
    }
}
