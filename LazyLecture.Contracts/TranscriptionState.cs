namespace LazyLecture.Contracts;

/// <summary>The original service's job states, stored and sent as snake_case strings (<c>in_progress</c>).</summary>
public enum TranscriptionState
{
    Queued,
    InProgress,
    ProcessingError,
    Completed,
    CompletedPartially,
    ProcessingFail,
    Cancelled,
}
