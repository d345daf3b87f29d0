using LazyLecture.Whisper.Kernels;

namespace LazyLecture.Whisper.Model;

/// <summary>A tensor inside the memory-mapped model file; ne[0] is the contiguous (row) dimension as in ggml.</summary>
internal sealed unsafe class GgmlTensor(string name, GgmlType type, int[] shape, byte* data, long byteCount)
{
    public string Name { get; } = name;

    public GgmlType Type { get; } = type;

    /// <summary>ggml's ne[]: Shape[0] elements per row, then rows, then planes.</summary>
    public int[] Shape { get; } = shape;

    public long ByteCount { get; } = byteCount;

    internal byte* Data { get; } = data;

    public int RowLength => Shape[0];

    public long Rows
    {
        get
        {
            long rows = 1;
            for (var i = 1; i < Shape.Length; i++)
            {
                rows *= Shape[i];
            }

            return rows;
        }
    }

    public long ElementCount => RowLength * Rows;

    internal long RowBytes => GgmlTypeLayout.RowBytes(Type, RowLength);

    internal byte* RowPointer(long row) => Data + row * RowBytes;

    /// <summary>The raw f32 values of an f32 tensor.</summary>
    internal ReadOnlySpan<float> AsSingles()
    {
        if (Type != GgmlType.F32)
        {
            throw new InvalidOperationException($"Tensor '{Name}' is {Type}, expected F32.");
        }

        return new ReadOnlySpan<float>(Data, checked((int)ElementCount));
    }

    /// <summary>Columns when the tensor is read as a matrix with one row per index of its last dimension (conv kernels: in·k).</summary>
    public int MatrixColumns => checked((int)(ElementCount / Shape[^1]));

    /// <summary>Rows when read as a matrix: the size of the last dimension (output channels / features).</summary>
    public int MatrixRows => Shape[^1];

    /// <summary>Dequantises (or converts) one matrix row (see <see cref="MatrixColumns"/>) to f32.</summary>
    public void ReadMatrixRow(int row, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, MatrixRows);
        var columns = MatrixColumns;
        Dequantize.Row(Type, Data + row * GgmlTypeLayout.RowBytes(Type, columns), destination[..columns]);
    }

    /// <summary>Dequantises (or converts) one row to f32.</summary>
    public void ReadRow(long row, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        Dequantize.Row(Type, RowPointer(row), destination[..RowLength]);
    }
}
