namespace LazyLecture.Api.Transcriptions.Review;

/// <summary>
/// Whether a person has checked a segment against the recording: confirmed it as heard, or corrected it. Both count as
/// reviewed. Stored as its lower-case name.
/// </summary>
public enum SegmentReview
{
    Unreviewed,
    Confirmed,
    Corrected,
}

/// <summary>How far the owner's review of a transcript has come: segments confirmed or corrected, out of all.</summary>
public sealed record ReviewProgress(int Segments, int Reviewed, int Confirmed, int Corrected);
