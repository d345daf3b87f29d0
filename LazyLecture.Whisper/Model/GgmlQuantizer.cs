using System.Buffers.Binary;
using System.Text.RegularExpressions;
using LazyLecture.Whisper.Kernels;

namespace LazyLecture.Whisper.Model;

/// <summary>
/// Quantizes an f16/f32 whisper.cpp model the way whisper.cpp v1.7.5's <c>quantize</c> tool does
/// (<c>examples/quantize</c> over <c>ggml_common_quantize_0</c>), byte for byte: the header's file type becomes
/// 2000 + ggml_ftype; every 2-D tensor whose name matches no skip pattern is quantized with ggml's reference rounding
/// (<c>quantize_row_q*_ref</c>, round-to-nearest with no importance matrix); everything else — 1-D tensors, the 3-D conv
/// kernels, the conv biases and both positional embeddings — is copied as it is.
/// </summary>
internal static class GgmlQuantizer
{
    private const int BlockSize = 32;

    // whisper.cpp's quantize: to_quant = { ".*" }, to_skip = these (ECMAScript regexes matched against the whole name)
    private static readonly Regex[] Skipped =
    [
        .. ((string[])["encoder.conv1.bias", "encoder.conv2.bias", "encoder.positional_embedding", "decoder.positional_embedding"])
            .Select(pattern => new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant | RegexOptions.ECMAScript)),
    ];

    public static void QuantizeModel(string sourcePath, string destinationPath, GgmlType type)
    {
        if (type is GgmlType.F32 or GgmlType.F16)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Quantize to q4_0, q4_1, q5_0, q5_1 or q8_0.");
        }

        using var model = WhisperModel.Load(sourcePath);
        using var writer = new GgmlModelWriter(destinationPath);
        writer.WriteHeader(model.HyperParameters, GgmlFileType.ForQuantizedMatrices(type), model.MelFilters, model.TokenBytes);
        foreach (var tensor in model.TensorsInFileOrder)
        {
            if (IsQuantized(tensor))
            {
                if (tensor.Type is not (GgmlType.F32 or GgmlType.F16))
                {
                    throw new WhisperModelException($"Tensor '{tensor.Name}' is already {tensor.Type}: only f16 and f32 models can be quantized.");
                }

                writer.WriteTensorHeader(tensor.Name, type, tensor.Shape);
                writer.Write(QuantizeRows(tensor, type));
            }
            else
            {
                writer.WriteTensorHeader(tensor.Name, tensor.Type, tensor.Shape);
                WriteUnchanged(writer, tensor);
            }
        }

        writer.Commit();
    }

    /// <summary>Which tensors whisper.cpp quantizes: 2-D ones (as the file stores them) outside the skip list.</summary>
    internal static bool IsQuantized(GgmlTensor tensor)
    {
        if (tensor.Shape.Length != 2)
        {
            return false;
        }

        foreach (var skipped in Skipped)
        {
            if (skipped.IsMatch(tensor.Name))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One row of <paramref name="x"/> (a multiple of 32 values) into ggml blocks of <paramref name="type"/>.</summary>
    internal static void QuantizeRow(GgmlType type, ReadOnlySpan<float> x, Span<byte> destination)
    {
        var blockBytes = GgmlTypeLayout.BlockBytes(type);
        for (var b = 0; b < x.Length / BlockSize; b++)
        {
            var block = x.Slice(b * BlockSize, BlockSize);
            var output = destination.Slice(b * blockBytes, blockBytes);
            switch (type)
            {
                case GgmlType.Q4_0:
                    SymmetricBlock(block, output, levels: 16);
                    break;
                case GgmlType.Q5_0:
                    SymmetricBlock(block, output, levels: 32);
                    break;
                case GgmlType.Q4_1:
                    OffsetBlock(block, output, levels: 16);
                    break;
                case GgmlType.Q5_1:
                    OffsetBlock(block, output, levels: 32);
                    break;
                case GgmlType.Q8_0:
                    Q8_0Block(block, output);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(type), type, "Not a quantized type.");
            }
        }
    }

    private static unsafe void WriteUnchanged(GgmlModelWriter writer, GgmlTensor tensor)
    {
        for (long offset = 0; offset < tensor.ByteCount; offset += int.MaxValue / 2)
        {
            var length = (int)Math.Min(int.MaxValue / 2, tensor.ByteCount - offset);
            writer.Write(new ReadOnlySpan<byte>(tensor.Data + offset, length));
        }
    }

    private static byte[] QuantizeRows(GgmlTensor tensor, GgmlType type)
    {
        var columns = tensor.RowLength;
        if (columns % BlockSize != 0)
        {
            throw new WhisperModelException($"Tensor '{tensor.Name}' has rows of {columns} values: {type} needs a multiple of {BlockSize}.");
        }

        var rowBytes = checked((int)GgmlTypeLayout.RowBytes(type, columns));
        var output = new byte[checked(rowBytes * tensor.Rows)];
        // rows are independent, so splitting them between threads gives the same bytes as one thread
        Parallel.For(0, (tensor.Rows + 63) / 64, () => new float[columns], (chunk, _, row) =>
        {
            var end = Math.Min(tensor.Rows, (chunk + 1) * 64);
            for (var r = chunk * 64; r < end; r++)
            {
                tensor.ReadRow(r, row); // f16 → f32 exactly, as ggml_fp16_to_fp32
                QuantizeRow(type, row, output.AsSpan(checked((int)(r * rowBytes)), rowBytes));
            }

            return row;
        }, _ => { });
        return output;
    }

    /// <summary>
    /// q4_0 / q5_0 (quantize_row_q4_0_ref, …_q5_0_ref): d = the value of largest magnitude (its sign kept, the first one on
    /// a tie) over −levels/2; q = min(levels − 1, trunc(x/d + levels/2 + 0.5)). q4_0 packs value j in the low nibble of
    /// byte j and value j + 16 in its high nibble; q5_0 keeps each value's fifth bit in a 32-bit word before the nibbles.
    /// </summary>
    private static void SymmetricBlock(ReadOnlySpan<float> x, Span<byte> output, int levels)
    {
        float amax = 0, max = 0;
        foreach (var v in x)
        {
            if (amax < MathF.Abs(v))
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }

        var d = max / -(levels / 2);
        var id = d != 0 ? 1.0f / d : 0.0f;
        var offset = levels / 2 + 0.5f;
        WriteHalf(output, d);
        Span<int> q = stackalloc int[BlockSize];
        for (var j = 0; j < BlockSize; j++)
        {
            // C's (int8_t) cast truncates toward zero; the value lies in [0, levels] here
            q[j] = Math.Min(levels - 1, (int)(x[j] * id + offset));
        }

        PackNibbles(q, levels, output[2..]);
    }

    /// <summary>
    /// q4_1 / q5_1 (quantize_row_q4_1_ref, …_q5_1_ref): d = (max − min)/(levels − 1), m = min,
    /// q = trunc((x − min)/d + 0.5) (capped at levels − 1 for q4_1 only, as ggml does).
    /// </summary>
    private static void OffsetBlock(ReadOnlySpan<float> x, Span<byte> output, int levels)
    {
        var min = float.MaxValue;
        var max = -float.MaxValue;
        foreach (var v in x)
        {
            if (v < min)
            {
                min = v;
            }

            if (v > max)
            {
                max = v;
            }
        }

        var d = (max - min) / (levels - 1);
        var id = d != 0 ? 1.0f / d : 0.0f;
        WriteHalf(output, d);
        WriteHalf(output[2..], min);
        Span<int> q = stackalloc int[BlockSize];
        for (var j = 0; j < BlockSize; j++)
        {
            var value = (int)((x[j] - min) * id + 0.5f);
            q[j] = levels == 16 ? Math.Min(15, value) : value;
        }

        PackNibbles(q, levels, output[4..]);
    }

    /// <summary>q8_0 (quantize_row_q8_0_ref): d = max |x| / 127, q = round(x/d), halves away from zero (C's roundf).</summary>
    private static void Q8_0Block(ReadOnlySpan<float> x, Span<byte> output)
    {
        var amax = 0f;
        foreach (var v in x)
        {
            amax = MathF.Max(amax, MathF.Abs(v));
        }

        var d = amax / 127;
        var id = d != 0 ? 1.0f / d : 0.0f;
        WriteHalf(output, d);
        for (var j = 0; j < BlockSize; j++)
        {
            output[2 + j] = unchecked((byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero));
        }
    }

    /// <summary>Low nibbles of values j and j + 16 share byte j; for 5-bit values the fifth bits go first, as one little-endian word (bit j = value j).</summary>
    private static void PackNibbles(ReadOnlySpan<int> q, int levels, Span<byte> output)
    {
        var nibbles = output;
        if (levels == 32)
        {
            uint high = 0;
            for (var j = 0; j < BlockSize; j++)
            {
                high |= (uint)((q[j] & 0x10) >> 4) << j;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(output, high);
            nibbles = output[4..];
        }

        for (var j = 0; j < BlockSize / 2; j++)
        {
            nibbles[j] = (byte)((q[j] & 0x0F) | ((q[j + BlockSize / 2] & 0x0F) << 4));
        }
    }

    // GGML_FP32_TO_FP16: round to nearest even, as the cast does
    private static void WriteHalf(Span<byte> output, float value) =>
        BinaryPrimitives.WriteUInt16LittleEndian(output, BitConverter.HalfToUInt16Bits((Half)value));
}
