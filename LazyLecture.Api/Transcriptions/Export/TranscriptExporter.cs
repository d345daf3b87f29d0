using System.Globalization;
using System.Text;

namespace LazyLecture.Api.Transcriptions.Export;

/// <summary>Turns a transcript into a downloadable file in one of the supported formats.</summary>
public static class TranscriptExporter
{
    // No byte order mark: it would show up as stray bytes in tools that do not expect one.
    internal static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <param name="cues">How srt and vtt cues are cut from timed words (other formats ignore it).</param>
    public static ExportFile Export(TranscriptDocument document, ExportFormat format, CueLimits? cues = null)
    {
        cues ??= CueLimits.None;
        ArgumentNullException.ThrowIfNull(document);

        var (extension, contentType, content) = format switch
        {
            ExportFormat.Txt => ("txt", "text/plain; charset=utf-8", Utf8.GetBytes(PlainText(document))),
            ExportFormat.Docx => ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", DocxWriter.Write(document)),
            ExportFormat.Srt => ("srt", "application/x-subrip", Utf8.GetBytes(SubtitleWriter.Srt(document, cues))),
            ExportFormat.Vtt => ("vtt", "text/vtt", Utf8.GetBytes(SubtitleWriter.Vtt(document, cues))),
            ExportFormat.Json => ("json", "application/json", JsonTranscriptWriter.Write(document)),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format."),
        };

        return new ExportFile(string.Create(CultureInfo.InvariantCulture, $"transcription-{document.TranscriptionId}.{extension}"), contentType, content);
    }

    /// <summary>Accepts exactly the format names a client may ask for, ignoring case; nothing else (no numbers, no lists).</summary>
    public static bool TryParseFormat(string? value, out ExportFormat format)
    {
        ExportFormat? parsed = value?.ToUpperInvariant() switch
        {
            "TXT" => ExportFormat.Txt,
            "DOCX" => ExportFormat.Docx,
            "SRT" => ExportFormat.Srt,
            "VTT" => ExportFormat.Vtt,
            "JSON" => ExportFormat.Json,
            _ => null,
        };

        format = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    private static string PlainText(TranscriptDocument document) => string.Join("\n\n", document.Chunks.Select(chunk => chunk.Text));
}
