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

/// <summary>
/// Which states are final and how each is spelled on the wire, for every side: the API (its transitions, its one-active-job
/// rule, the stream's end), the worker (when to stop) and the web app (when to stop following).
/// </summary>
public static class TranscriptionStates
{
    /// <summary>A job in one of these still runs or waits to run: a user has at most one.</summary>
    public static IReadOnlyList<TranscriptionState> Active { get; } =
        [TranscriptionState.Queued, TranscriptionState.InProgress, TranscriptionState.ProcessingError];

    /// <summary>After one of these a job changes no more: no chunk is saved, no state reported, a stream ends.</summary>
    public static IReadOnlyList<TranscriptionState> Finished { get; } =
        [TranscriptionState.Completed, TranscriptionState.CompletedPartially, TranscriptionState.ProcessingFail, TranscriptionState.Cancelled];

    private static readonly Dictionary<TranscriptionState, string> WireNames =
        Enum.GetValues<TranscriptionState>().ToDictionary(state => state, state => WireJson.Name(state));

    private static readonly Dictionary<string, TranscriptionState> ByWireName =
        WireNames.ToDictionary(entry => entry.Value, entry => entry.Key, StringComparer.Ordinal);

    public static bool IsFinished(this TranscriptionState state) => Finished.Contains(state);

    /// <summary>Whether a state as the wire spells it (<c>completed_partially</c>) is final; an unknown spelling is not.</summary>
    public static bool IsFinished(string wireName) => Parse(wireName)?.IsFinished() == true;

    /// <summary>The wire spelling: <c>in_progress</c>.</summary>
    public static string ToWireName(this TranscriptionState state) => WireNames[state];

    /// <summary>Parses the wire spelling exactly (<c>in_progress</c>, not <c>InProgress</c>); null when it is not a state.</summary>
    public static TranscriptionState? Parse(string? wireName) =>
        wireName is not null && ByWireName.TryGetValue(wireName, out var state) ? state : null;
}
