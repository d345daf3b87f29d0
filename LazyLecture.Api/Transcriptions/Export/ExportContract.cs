// TEMPORARY: the shapes agreed with the transcripts-parts branch, replaced by its implementation when merged.
namespace LazyLecture.Api.Transcriptions.Export;

public enum ExportFormat
{
    Txt,
    Docx,
    Srt,
    Vtt,
    Json,
}

public sealed record TranscriptSegment(double Start, double End, string Text);

public sealed record TranscriptChunk(int ChunkNumber, string Text, IReadOnlyList<TranscriptSegment> Segments);

public sealed record TranscriptDocument(int TranscriptionId, string Title, IReadOnlyList<TranscriptChunk> Chunks);

public sealed record ExportFile(string FileName, string ContentType, byte[] Content);

public static class TranscriptExporter
{
    public static ExportFile Export(TranscriptDocument document, ExportFormat format) => throw new NotSupportedException($"{format} export is not merged yet.");

    public static bool TryParseFormat(string? value, out ExportFormat format) => Enum.TryParse(value, ignoreCase: true, out format) && Enum.IsDefined(format);
}
