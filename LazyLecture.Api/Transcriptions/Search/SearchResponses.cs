namespace LazyLecture.Api.Transcriptions.Search;

/// <summary>One matching segment: where it is (seconds from the start of the recording) and a plain-text snippet with the matches marked « ».</summary>
public sealed record SearchHit(int TranscriptionId, int ChunkNo, int SegmentNo, double Start, double End, string Snippet, double Rank);

public sealed record SearchPage(int Page, int Size, int Total, int Pages, IReadOnlyList<SearchHit> Hits);
