using LazyLecture.Contracts.Jobs;

namespace LazyLecture.Api.Transcriptions.Export;

public enum ExportFormat
{
    Txt,
    Docx,
    Srt,
    Vtt,
    Json,

    /// <summary>The "00:00 Title" list of chapters people paste under a video.</summary>
    Chapters,

    /// <summary>The chapters as a WebVTT chapters track (<c>&lt;track kind="chapters"&gt;</c>).</summary>
    ChaptersVtt,
}

/// <summary>A timed piece of text; times are seconds from the start of the recording, not of the chunk.</summary>
public sealed record TranscriptSegment(double Start, double End, string Text)
{
    /// <summary>Its timed words, when the engine gave them.</summary>
    public IReadOnlyList<SegmentWord> Words { get; init; } = [];

    /// <summary>How the engine decoded it, when it told (the OpenAI-compatible verbose_json reports it).</summary>
    public SegmentDecoding? Decoding { get; init; }
}

/// <summary>One transcribed chunk: its whole text and the segments it was made of.</summary>
public sealed record TranscriptChunk(int ChunkNumber, string Text, IReadOnlyList<TranscriptSegment> Segments);

/// <summary>A chapter of the transcript: seconds from the start of the recording, and its title.</summary>
public sealed record TranscriptChapter(double Start, double End, string Title);

/// <summary>Everything an export needs, with the chunks in order.</summary>
public sealed record TranscriptDocument(int TranscriptionId, string Title, IReadOnlyList<TranscriptChunk> Chunks)
{
    /// <summary>The chapters in order (none before the job completes).</summary>
    public IReadOnlyList<TranscriptChapter> Chapters { get; init; } = [];

    /// <summary>Each chapter with the text of the segments that start in it (the last chapter takes any later ones).</summary>
    public IEnumerable<(TranscriptChapter Chapter, string Text)> ChapterTexts()
    {
        var segments = Chunks.SelectMany(c => c.Segments).OrderBy(s => s.Start).ToList();
        for (var i = 0; i < Chapters.Count; i++)
        {
            var chapter = Chapters[i];
            var last = i + 1 == Chapters.Count;
            var inside = segments.Where(s => (i == 0 || s.Start >= chapter.Start) && (last || s.Start < Chapters[i + 1].Start));
            yield return (chapter, string.Join(' ', inside.Select(s => s.Text?.Trim() ?? "").Where(t => t.Length > 0)));
        }
    }
}

/// <summary>A finished download: the name for Content-Disposition, the Content-Type and the bytes.</summary>
public sealed record ExportFile(string FileName, string ContentType, byte[] Content);
