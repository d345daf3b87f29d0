using System.Globalization;
using System.Text;
using LazyLecture.Api.Captions;

namespace LazyLecture.Api.Transcriptions.Export;

/// <summary>Turns a transcript into a downloadable file in one of the supported formats.</summary>
public static class TranscriptExporter
{
    // No byte order mark: it would show up as stray bytes in tools that do not expect one.
    internal static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <param name="captions">The rules srt and vtt cues are cut and timed by (other formats ignore them); default <see cref="CaptionRules.Default"/>.</param>
    public static ExportFile Export(TranscriptDocument document, ExportFormat format, CaptionRules? captions = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var cues = format is ExportFormat.Srt or ExportFormat.Vtt ? CueBuilder.Build(document, captions ?? CaptionRules.Default) : [];

        var (extension, contentType, content) = format switch
        {
            ExportFormat.Txt => ("txt", "text/plain; charset=utf-8", Utf8.GetBytes(PlainText(document))),
            ExportFormat.Docx => ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", DocxWriter.Write(document)),
            ExportFormat.Srt => ("srt", "application/x-subrip", Utf8.GetBytes(SubtitleWriter.Srt(cues))),
            ExportFormat.Vtt => ("vtt", "text/vtt", Utf8.GetBytes(SubtitleWriter.Vtt(cues))),
            ExportFormat.Json => ("json", "application/json", JsonTranscriptWriter.Write(document)),
            ExportFormat.Chapters => ("chapters.txt", "text/plain; charset=utf-8", Utf8.GetBytes(ChapterList(document))),
            ExportFormat.ChaptersVtt => ("chapters.vtt", "text/vtt", Utf8.GetBytes(SubtitleWriter.Vtt(ChapterCues(document)))),
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
            "CHAPTERS" => ExportFormat.Chapters,
            "CHAPTERS_VTT" => ExportFormat.ChaptersVtt,
            _ => null,
        };

        format = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    /// <summary>The chunks' texts; with chapters, each chapter's title as a heading line above its text.</summary>
    private static string PlainText(TranscriptDocument document) =>
        document.Chapters.Count == 0
            ? string.Join("\n\n", document.Chunks.Select(chunk => chunk.Text))
            : string.Join("\n\n", document.ChapterTexts().Select(c => $"{ChapterClock(c.Chapter.Start)} {c.Chapter.Title}\n\n{c.Text}"));

    /// <summary>"00:00 Title" lines, the form video sites turn into chapters (the first at 00:00).</summary>
    private static string ChapterList(TranscriptDocument document) =>
        string.Concat(document.Chapters.Select((c, i) => $"{ChapterClock(i == 0 ? 0 : c.Start)} {OneLine(c.Title)}\n"));

    private static IReadOnlyList<CaptionCue> ChapterCues(TranscriptDocument document) =>
        [.. document.Chapters.Select(c => new CaptionCue(CaptionRules.Milliseconds(c.Start), Math.Max(CaptionRules.Milliseconds(c.Start), CaptionRules.Milliseconds(c.End)), [OneLine(c.Title)], []))];

    /// <summary>mm:ss, or h:mm:ss from an hour on.</summary>
    public static string ChapterClock(double seconds)
    {
        // Rounded to the millisecond first, as the cue times are: 3599.9996 s is 1:00:00, not 59:59.
        var time = TimeSpan.FromSeconds(Math.Floor(Math.Round(double.IsFinite(seconds) && seconds > 0 ? seconds : 0, 3)));
        return time.TotalHours >= 1
            ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : time.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
    }

    private static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
