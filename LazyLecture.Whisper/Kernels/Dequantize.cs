using System.Runtime.InteropServices;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Kernels;

/// <summary>Converts rows of ggml-typed weights to f32 (block formats as in ggml-quants.c).</summary>
internal static unsafe class Dequantize
{
    private const int BlockSize = 32;

    public static void Row(GgmlType type, byte* source, Span<float> destination)
    {
        switch (type)
        {
            case GgmlType.F32:
                new ReadOnlySpan<float>(source, destination.Length).CopyTo(destination);
                break;
            case GgmlType.F16:
                HalfConversion.ToSingle(new ReadOnlySpan<ushort>(source, destination.Length), destination);
                break;
            case GgmlType.Q4_0:
                Q4_0(source, destination);
                break;
            case GgmlType.Q4_1:
                Q4_1(source, destination);
                break;
            case GgmlType.Q5_0:
                Q5_0(source, destination);
                break;
            case GgmlType.Q5_1:
                Q5_1(source, destination);
                break;
            case GgmlType.Q8_0:
                Q8_0(source, destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unsupported ggml type.");
        }
    }

    private static float ReadHalf(byte* p) => (float)BitConverter.UInt16BitsToHalf(*(ushort*)p);

    private static void Q4_0(byte* block, Span<float> y)
    {
        for (var b = 0; b < y.Length / BlockSize; b++, block += 18)
        {
            var d = ReadHalf(block);
            var qs = block + 2;
            var o = b * BlockSize;
            for (var j = 0; j < 16; j++)
            {
                y[o + j] = ((qs[j] & 0x0F) - 8) * d;
                y[o + j + 16] = ((qs[j] >> 4) - 8) * d;
            }
        }
    }

    private static void Q4_1(byte* block, Span<float> y)
    {
        for (var b = 0; b < y.Length / BlockSize; b++, block += 20)
        {
            var d = ReadHalf(block);
            var m = ReadHalf(block + 2);
            var qs = block + 4;
            var o = b * BlockSize;
            for (var j = 0; j < 16; j++)
            {
                y[o + j] = (qs[j] & 0x0F) * d + m;
                y[o + j + 16] = (qs[j] >> 4) * d + m;
            }
        }
    }

    private static void Q5_0(byte* block, Span<float> y)
    {
        for (var b = 0; b < y.Length / BlockSize; b++, block += 22)
        {
            var d = ReadHalf(block);
            var qh = MemoryMarshal.Read<uint>(new ReadOnlySpan<byte>(block + 2, 4));
            var qs = block + 6;
            var o = b * BlockSize;
            for (var j = 0; j < 16; j++)
            {
                var high0 = (int)((qh >> j) << 4) & 0x10;
                var high1 = (int)(qh >> (j + 12)) & 0x10;
                y[o + j] = (((qs[j] & 0x0F) | high0) - 16) * d;
                y[o + j + 16] = (((qs[j] >> 4) | high1) - 16) * d;
            }
        }
    }

    private static void Q5_1(byte* block, Span<float> y)
    {
        for (var b = 0; b < y.Length / BlockSize; b++, block += 24)
        {
            var d = ReadHalf(block);
            var m = ReadHalf(block + 2);
            var qh = MemoryMarshal.Read<uint>(new ReadOnlySpan<byte>(block + 4, 4));
            var qs = block + 8;
            var o = b * BlockSize;
            for (var j = 0; j < 16; j++)
            {
                var high0 = (int)((qh >> j) << 4) & 0x10;
                var high1 = (int)(qh >> (j + 12)) & 0x10;
                y[o + j] = ((qs[j] & 0x0F) | high0) * d + m;
                y[o + j + 16] = ((qs[j] >> 4) | high1) * d + m;
            }
        }
    }

    private static void Q8_0(byte* block, Span<float> y)
    {
        for (var b = 0; b < y.Length / BlockSize; b++, block += 34)
        {
            var d = ReadHalf(block);
            var qs = (sbyte*)(block + 2);
            var o = b * BlockSize;
            for (var j = 0; j < BlockSize; j++)
            {
                y[o + j] = qs[j] * d;
            }
        }
    }
}
