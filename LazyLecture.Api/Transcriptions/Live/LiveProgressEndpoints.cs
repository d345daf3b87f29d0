using System.Globalization;
using System.Security.Claims;
using LazyLecture.Api.ApiKeys;
using LazyLecture.Api.Auth;
using Microsoft.AspNetCore.Mvc;

namespace LazyLecture.Api.Transcriptions.Live;

/// <summary>Following a job as it runs: a Server-Sent Events stream per transcription.</summary>
public static class LiveProgressEndpoints
{
    private const string Description =
        """
        A text/event-stream that follows one of the caller's transcriptions, whichever API replica serves it.
        Events (data is JSON, snake_case):
        - `state` — sent at once as a snapshot, then whenever the state, progress or error count changes:
          {id, current_state, progress_secs, audio_len_secs, progress, chunks_saved, error_count, last_error, is_finished}.
        - `chunk` — each saved chunk (those already saved come right after the snapshot; a re-saved chunk comes again);
          its `id:` is the chunk number: {chunk_no, text, segments: [{chunk_no, segment_no, start, end, text}]}.
        - `partial` — while a chunk is being transcribed, the segments of the engine windows finished so far (each `partial`
          replaces the previous one; the chunk's `chunk` event replaces them): {chunk_no, segments: [...]}. A new stream gets the current one
          after the saved chunks.
        - `deleted` — {id}: the transcription was deleted.
        - `unauthorized` — {detail}: the access token expired or was revoked (logout, password change, blocked account), or the API key was revoked.
        The stream ends after a final state (completed, completed_partially, processing_fail, cancelled), `deleted` or
        `unauthorized` (checked within a few seconds of the token's expiry or revocation).
        At most 10 streams per user may be open on one API replica (429 beyond that).
        A comment line (`: keep-alive`) is sent every 15 s of silence. On reconnect, send `Last-Event-ID` (the last chunk
        number received) and chunks up to that number are not sent again.
        """;

    public static IEndpointRouteBuilder MapLiveProgressApi(this IEndpointRouteBuilder app)
    {
        var transcriptions = app.MapGroup("/api/v1/transcriptions").WithTags("Transcriptions").RequireAuthorization();

        transcriptions.MapGet("/{id:int}/events", async Task<TranscriptionEventStream> (
                HttpContext http, int id, [FromHeader(Name = "Last-Event-ID")] string? lastEventId, LiveTranscriptions live, CancellationToken ct) =>
            {
                var caller = Caller(http.User);
                // Checked before the stream starts, so another user's transcription is a plain 404 Problem Details.
                await live.EnsureOwnedAsync(caller.UserId, id, ct);
                return new TranscriptionEventStream(caller, id, ParseLastChunkSeen(lastEventId));
            })
            .WithSummary("Follow a transcription live (Server-Sent Events): state changes and each chunk as it is saved")
            .WithDescription(Description)
            .Produces<string>(StatusCodes.Status200OK, ServerSentEventWriter.ContentType)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        return app;
    }

    // The authentication handler has validated these claims; the stream rechecks them while it lasts.
    private static StreamCaller Caller(ClaimsPrincipal user)
    {
        if (user.FindFirstValue(ApiKeyAuthentication.IdClaim) is { } keyId)
        {
            return new StreamCaller(user.UserId(), null, DateTimeOffset.MaxValue, long.Parse(keyId, CultureInfo.InvariantCulture));
        }

        var stamp = user.FindFirstValue(TokenIssuer.StampClaim) ?? throw new InvalidOperationException("An authenticated token carries a stamp.");
        var expires = long.Parse(user.FindFirstValue("exp") ?? throw new InvalidOperationException("An authenticated token carries an expiry."), CultureInfo.InvariantCulture);
        return new StreamCaller(user.UserId(), stamp, DateTimeOffset.FromUnixTimeSeconds(expires));
    }

    /// <summary>An unreadable Last-Event-ID is ignored: the client then simply gets every chunk again.</summary>
    private static int? ParseLastChunkSeen(string? lastEventId) =>
        int.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var chunkNo) ? chunkNo : null;
}
