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

/// <summary>The type of a model's weight matrices, as its header announces it (whisper.cpp's <c>ftype</c>).</summary>
public enum WhisperWeightType
{
    F32 = GgmlType.F32,
    F16 = GgmlType.F16,
    Q4_0 = GgmlType.Q4_0,
    Q4_1 = GgmlType.Q4_1,
    Q5_0 = GgmlType.Q5_0,
    Q5_1 = GgmlType.Q5_1,
    Q8_0 = GgmlType.Q8_0,
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

/// <summary>
/// The header's file type (ggml's <c>enum ggml_ftype</c>): which type the weight matrices have. whisper.cpp's quantizer
/// writes it plus <see cref="QuantizationVersion"/> × <see cref="VersionFactor"/> (2007 for q8_0).
/// </summary>
internal static class GgmlFileType
{
    public const int QuantizationVersion = 2;
    public const int VersionFactor = 1000;

    // ggml_ftype → the matrices' ggml_type (4 is "mostly q4_1, some f16"; 5 and 6 were q4_2/q4_3, long removed)
    private static readonly (int FileType, GgmlType MatrixType)[] Table =
    [
        (0, GgmlType.F32), (1, GgmlType.F16), (2, GgmlType.Q4_0), (3, GgmlType.Q4_1), (4, GgmlType.Q4_1),
        (7, GgmlType.Q8_0), (8, GgmlType.Q5_0), (9, GgmlType.Q5_1),
    ];

    /// <summary>The matrices' type for a header file type (version already removed), or null for one ggml no longer knows.</summary>
    public static GgmlType? MatrixType(int fileType)
    {
        foreach (var (code, type) in Table)
        {
            if (code == fileType)
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>The file type whisper.cpp's quantizer writes for matrices of <paramref name="type"/>, version included.</summary>
    public static int ForQuantizedMatrices(GgmlType type)
    {
        foreach (var (code, matrixType) in Table)
        {
            // the first entry per type is ggml's "mostly" file type (4, "some f16", is never written by the quantizer)
            if (matrixType == type && type is not GgmlType.F32 and not GgmlType.F16)
            {
                return QuantizationVersion * VersionFactor + code;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(type), type, "Not a quantized type.");
    }
}
