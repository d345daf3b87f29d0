using LazyLecture.Contracts.Jobs;

namespace LazyLecture.Api.Transcriptions.Export;

public enum ExportFormat
{
    Txt,
    Docx,
    Srt,
    Vtt,
    Json,
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

/// <summary>Everything an export needs, with the chunks in order.</summary>
public sealed record TranscriptDocument(int TranscriptionId, string Title, IReadOnlyList<TranscriptChunk> Chunks);

/// <summary>A finished download: the name for Content-Disposition, the Content-Type and the bytes.</summary>
public sealed record ExportFile(string FileName, string ContentType, byte[] Content);
