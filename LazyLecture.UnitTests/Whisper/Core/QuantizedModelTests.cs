using System.Buffers.Binary;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Nn;
using Xunit;

namespace LazyLecture.Tests.Whisper.Core;

/// <summary>Quantised files as users run them: the micro model re-encoded with q8_0 / q4_0 matrices in a temp dir.</summary>
public sealed class QuantizedModelTests(ITestOutputHelper output) : IDisposable
{
    private const int F16 = 1;
    private const int Q4_0 = 2;
    private const int Q8_0 = 8;

    private readonly string _tempDir = Directory.CreateTempSubdirectory("lazylecture-quant-").FullName;

    public void Dispose() => Directory.Delete(_tempDir, recursive: true);

    // The quantised model multiplies in integers with activations rounded to q8 blocks (as whisper.cpp does), the f32
    // one in floats: only that 8-bit rounding of the activations separates them, a wrong block layout would not.
    [Theory]
    [InlineData(Q8_0)]
    [InlineData(Q4_0)]
    public void Quantised_model_computes_close_to_an_f32_model_holding_the_dequantised_weights(int type)
    {
        var bytes = File.ReadAllBytes(Golden.LoadModelPath("micro"));
        var quantisedPath = Path.Combine(_tempDir, $"micro-{type}.bin");
        var dequantisedPath = Path.Combine(_tempDir, $"micro-{type}-as-f32.bin");
        File.WriteAllBytes(quantisedPath, Quantise(bytes, type, asF32: false));
        File.WriteAllBytes(dequantisedPath, Quantise(bytes, type, asF32: true));
        using var quantised = WhisperModel.Load(quantisedPath);
        using var dequantised = WhisperModel.Load(dequantisedPath);
        Assert.Equal(LazyLecture.Whisper.Model.GgmlType.F32, dequantised.Tensors["decoder.blocks.0.mlp.0.weight"].Type);

        var expected = LastLogits(dequantised);
        var actual = LastLogits(quantised);

        var relative = RelativeRmsError(expected, actual);
        output.WriteLine($"type {type}: max |quantised - dequantised f32 logits| = {Golden.MaxAbsDifference(expected, actual):E3}, relative RMS error {relative:E3}");
        Assert.True(relative < 0.03, $"relative RMS error {relative}");
    }

    [Theory]
    [InlineData(Q8_0, 0.02)]
    [InlineData(Q4_0, 0.3)]
    public void Quantised_micro_model_gives_logits_close_to_the_f16_model(int type, double relativeTolerance)
    {
        var source = Golden.LoadModelPath("micro");
        var quantisedPath = Path.Combine(_tempDir, $"micro-{type}.bin");
        File.WriteAllBytes(quantisedPath, Quantise(File.ReadAllBytes(source), type, asF32: false));
        using var reference = WhisperModel.Load(source);
        using var quantised = WhisperModel.Load(quantisedPath);
        Assert.Equal(type, (int)quantised.Tensors["decoder.blocks.0.mlp.0.weight"].Type);

        var expected = LastLogits(reference);
        var actual = LastLogits(quantised);

        // Quantisation noise scales with the bit width; a wrong block layout would give unrelated logits (error ~ 100%).
        var relative = RelativeRmsError(expected, actual);
        output.WriteLine($"type {type}: max |quantised - f16 logits| = {Golden.MaxAbsDifference(expected, actual):E3}, relative RMS error {relative:E3}");
        Assert.True(relative < relativeTolerance, $"relative RMS error {relative}");
    }

    private static double RelativeRmsError(float[] expected, float[] actual)
    {
        double error = 0, norm = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            error += (expected[i] - actual[i]) * (double)(expected[i] - actual[i]);
            norm += expected[i] * (double)expected[i];
        }

        return Math.Sqrt(error / norm);
    }

    private static float[] LastLogits(WhisperModel model)
    {
        var encoded = new WhisperEncoder(model, threads: 2).Encode(Golden.SineMel(), 0, TestContext.Current.CancellationToken);
        using var state = new WhisperDecoderState(model, threads: 2);
        state.SetEncoderOutput(encoded);
        var logits = new float[model.HyperParameters.NVocab];
        state.Decode([50257, 50363, 400], logits); // below the batch threshold: exercises the matrix-vector path
        state.Decode([1000, 2000, 30000, 50256, 400], logits); // batched: exercises the packed GEMM path
        return logits;
    }

    // Rewrites every f16 2-D weight (the 3-D conv kernels stay f16, as whisper.cpp's quantiser keeps them) into
    // `type`, or into f32 holding exactly the values that `type` dequantises to.
    private static byte[] Quantise(byte[] file, int type, bool asF32)
    {
        var at = 4 + 11 * 4;
        var bins = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at));
        var fft = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + 4));
        at += 8 + bins * fft * 4;
        var tokens = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at));
        at += 4;
        for (var i = 0; i < tokens; i++)
        {
            at += 4 + BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at));
        }

        using var result = new MemoryStream();
        result.Write(file, 0, at);
        BinaryPrimitives.WriteInt32LittleEndian(result.GetBuffer().AsSpan(4 + 10 * 4), asF32 ? 0 : type); // header ftype
        while (at < file.Length)
        {
            var dims = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at));
            var nameLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + 4));
            var tensorType = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + 8));
            var elements = 1;
            for (var d = 0; d < dims; d++)
            {
                elements *= BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + 12 + 4 * d));
            }

            var headerLength = 12 + 4 * dims + nameLength;
            var name = System.Text.Encoding.ASCII.GetString(file, at + 12 + 4 * dims, nameLength);
            var dataLength = elements * (tensorType == F16 ? 2 : 4);
            var data = file.AsSpan(at + headerLength, dataLength);
            if (tensorType == F16 && dims == 2)
            {
                var header = file.AsSpan(at, headerLength).ToArray();
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), asF32 ? 0 : type);
                result.Write(header);
                var blocks = QuantiseBlocks(data, elements, type);
                result.Write(asF32 ? DequantiseBlocks(blocks, elements, type) : blocks);
            }
            else
            {
                _ = name;
                result.Write(file, at, headerLength + dataLength);
            }

            at += headerLength + dataLength;
        }

        return result.ToArray();
    }

    // Independent of the library: q8_0 value = d·q, q4_0 value = d·(nibble − 8), low nibbles first.
    private static byte[] DequantiseBlocks(byte[] blocks, int elements, int type)
    {
        var output = new byte[elements * 4];
        var blockBytes = type == Q8_0 ? 34 : 18;
        for (var b = 0; b < elements / 32; b++)
        {
            var block = blocks.AsSpan(b * blockBytes, blockBytes);
            var d = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(block));
            for (var j = 0; j < 32; j++)
            {
                var value = type == Q8_0
                    ? d * (sbyte)block[2 + j]
                    : d * ((j < 16 ? block[2 + j] & 15 : block[2 + j - 16] >> 4) - 8);
                BinaryPrimitives.WriteSingleLittleEndian(output.AsSpan((b * 32 + j) * 4), value);
            }
        }

        return output;
    }

    // ggml's reference quantisers: q8_0 d = amax/127, q = round(x/d); q4_0 d = max/-8 (signed max), q = min(15, (int)(x/d + 8.5)).
    private static byte[] QuantiseBlocks(ReadOnlySpan<byte> f16, int elements, int type)
    {
        var blocks = elements / 32;
        var blockBytes = type == Q8_0 ? 34 : 18;
        var output = new byte[blocks * blockBytes];
        var x = new float[32];
        for (var b = 0; b < blocks; b++)
        {
            for (var j = 0; j < 32; j++)
            {
                x[j] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(f16[((b * 32 + j) * 2)..]));
            }

            var block = output.AsSpan(b * blockBytes, blockBytes);
            if (type == Q8_0)
            {
                var amax = 0f;
                foreach (var v in x)
                {
                    amax = Math.Max(amax, Math.Abs(v));
                }

                var d = amax / 127f;
                var id = d != 0 ? 1f / d : 0f;
                BinaryPrimitives.WriteUInt16LittleEndian(block, BitConverter.HalfToUInt16Bits((Half)d));
                for (var j = 0; j < 32; j++)
                {
                    block[2 + j] = unchecked((byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero));
                }
            }
            else
            {
                float amax = 0, max = 0;
                foreach (var v in x)
                {
                    if (Math.Abs(v) > amax)
                    {
                        amax = Math.Abs(v);
                        max = v;
                    }
                }

                var d = max / -8f;
                var id = d != 0 ? 1f / d : 0f;
                BinaryPrimitives.WriteUInt16LittleEndian(block, BitConverter.HalfToUInt16Bits((Half)d));
                for (var j = 0; j < 16; j++)
                {
                    var lo = Math.Min(15, (int)(x[j] * id + 8.5f));
                    var hi = Math.Min(15, (int)(x[j + 16] * id + 8.5f));
                    block[2 + j] = (byte)(lo | (hi << 4));
                }
            }
        }

        return output;
    }
}
