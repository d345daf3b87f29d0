namespace LazyLecture.Whisper.Model;

/// <summary>ggml tensor element types that whisper.cpp model files use (values as stored in the file).</summary>
internal enum GgmlType
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
}

/// <summary>Block geometry of each <see cref="GgmlType"/>.</summary>
internal static class GgmlTypeLayout
{
    public static bool IsSupported(int type) => type is 0 or 1 or 2 or 3 or 6 or 7 or 8;

    /// <summary>Elements per block (1 for the float types, 32 for the quantised ones).</summary>
    public static int BlockElements(GgmlType type) => type is GgmlType.F32 or GgmlType.F16 ? 1 : 32;

    public static int BlockBytes(GgmlType type) => type switch
    {
        GgmlType.F32 => 4,
        GgmlType.F16 => 2,
        GgmlType.Q4_0 => 18,
        GgmlType.Q4_1 => 20,
        GgmlType.Q5_0 => 22,
        GgmlType.Q5_1 => 24,
        GgmlType.Q8_0 => 34,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unsupported ggml type."),
    };

    public static long RowBytes(GgmlType type, long elements) => elements / BlockElements(type) * BlockBytes(type);
}
