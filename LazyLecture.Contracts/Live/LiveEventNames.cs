namespace LazyLecture.Contracts.Live;

/// <summary>
/// The events of a transcription's stream (<c>GET /api/v1/transcriptions/{id}/events</c>), as the API writes them and the
/// web app reads them; their data is JSON in <see cref="WireJson"/>'s spelling.
/// </summary>
public static class LiveEventNames
{
    /// <summary>Where the job stands: a snapshot first, then each change; a final state ends the stream.</summary>
    public const string State = "state";

    /// <summary>A saved chunk with its segments; its event id is the chunk number (send it back as <c>Last-Event-ID</c>).</summary>
    public const string Chunk = "chunk";

    /// <summary>The segments of the chunk being transcribed, so far; replaced by the next one and by the chunk's <see cref="Chunk"/>.</summary>
    public const string Partial = "partial";

    /// <summary>The transcription was deleted; the stream ends.</summary>
    public const string Deleted = "deleted";

    /// <summary>The caller's token expired or was revoked; the stream ends (reconnect with a fresh one).</summary>
    public const string Unauthorized = "unauthorized";
}
