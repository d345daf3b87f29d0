using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using LazyLecture.Api.Errors;
using LazyLecture.Contracts.Live;
using Microsoft.Extensions.Options;

namespace LazyLecture.Api.Transcriptions.Live;

/// <summary>
/// One client following one transcription. Woken by the hub on each committed change, it re-reads the transcription and
/// sends what the client has not seen (and re-reads every half minute regardless, should a notification ever be lost): <c>state</c> when the state or progress changed, <c>chunk</c> for each new or re-saved chunk. It ends after the
/// final state, with <c>deleted</c>, or with <c>unauthorized</c> once the caller's token has expired or been revoked
/// (checked at each wake-up, so at most a few seconds late: a stream must not outlive the right to open it).
/// </summary>
public sealed class TranscriptionEventStream(StreamCaller caller, int transcriptionId, int? lastChunkSeen) : IResult
{
    private int UserId => caller.UserId;

    // Every few seconds the caller's token is rechecked (one indexed query); the transcription is re-read on a change
    // notification, and otherwise only this seldom, so an idle stream costs the database little.
    private static readonly TimeSpan CallerCheckInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FullRecheckInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    private readonly Dictionary<int, DateTimeOffset> _chunksSent = [];
    private LiveStateEvent? _stateSent;
    private LivePartial? _partialSent;
    private bool _firstRead = true;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;

        // Taken before the response starts, so a user over the limit gets a 429 Problem Details, not a stream.
        using var slot = services.GetRequiredService<LiveStreamQuota>().Acquire(UserId);
        var live = services.GetRequiredService<LiveTranscriptions>();
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        var events = new ServerSentEventWriter(httpContext.Response, services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);

        // The stream ends when the client leaves or the application stops (it must not hold up a graceful shutdown).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stop.Token;

        // Subscribed before the first read, so a change committed in between still wakes the stream.
        using var subscription = services.GetRequiredService<TranscriptionEventHub>().Subscribe(transcriptionId);
        try
        {
            await events.StartAsync(cancellationToken);
            var lastRead = Stopwatch.StartNew();
            var changed = true;
            var databaseDown = false;
            while (true)
            {
                try
                {
                    if (!_firstRead && !await live.IsCallerStillValidAsync(caller, cancellationToken))
                    {
                        await events.WriteEventAsync(LiveEventNames.Unauthorized, new LiveUnauthorizedEvent("The access token has expired or was revoked; reconnect with a fresh one."), null, cancellationToken);
                        break;
                    }

                    if (changed || databaseDown || lastRead.Elapsed >= FullRecheckInterval)
                    {
                        if (!await SendChangesAsync(live, events, cancellationToken))
                        {
                            break;
                        }

                        lastRead.Restart();
                    }

                    databaseDown = false;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && DatabaseUnavailable.Is(ex))
                {
                    // The stream outlives a database restart: heartbeats go on, and each wake-up reads again until it answers.
                    if (!databaseDown)
                    {
                        services.GetRequiredService<ILogger<TranscriptionEventStream>>().LogWarning(
                            "Live stream of transcription {TranscriptionId} waits for the database: {Message}", transcriptionId, ex.Message);
                    }

                    databaseDown = true;
                }

                changed = await subscription.WaitAsync(CallerCheckInterval, cancellationToken);
                if (events.IdleFor >= HeartbeatInterval)
                {
                    await events.WriteHeartbeatAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the application is stopping: nothing more to send.
        }
    }

    /// <summary>Sends what changed since the last call; false once the stream is over.</summary>
    private async Task<bool> SendChangesAsync(LiveTranscriptions live, ServerSentEventWriter events, CancellationToken cancellationToken)
    {
        var firstRead = _firstRead;
        var state = await live.ReadStateAsync(UserId, transcriptionId, cancellationToken);
        if (state is null)
        {
            await events.WriteEventAsync(LiveEventNames.Deleted, new LiveDeletedEvent(transcriptionId), null, cancellationToken);
            return false;
        }

        // The snapshot opens the stream; later, a final state goes after the last chunks, any other state before them.
        if (state != _stateSent && (firstRead || !state.IsFinished))
        {
            await events.WriteEventAsync(LiveEventNames.State, state, null, cancellationToken);
            _stateSent = state;
        }

        // Read after the state: chunks are only saved before a job finishes, so a final state implies all of them are visible.
        var versions = await live.ReadChunkVersionsAsync(UserId, transcriptionId, cancellationToken);
        if (firstRead && lastChunkSeen is { } seen)
        {
            // A reconnecting client (Last-Event-ID) already has the chunks up to that number.
            foreach (var (chunkNo, savedAt) in versions.Where(v => v.Key <= seen))
            {
                _chunksSent[chunkNo] = savedAt;
            }
        }

        _firstRead = false; // only once both reads have answered: a read that failed is repeated as the first
        var unsent = versions.Where(v => !_chunksSent.TryGetValue(v.Key, out var sentVersion) || sentVersion != v.Value).Select(v => v.Key).ToList();
        if (unsent.Count > 0)
        {
            foreach (var chunk in await live.ReadChunksAsync(UserId, transcriptionId, unsent, cancellationToken))
            {
                await events.WriteEventAsync(LiveEventNames.Chunk, chunk, chunk.ChunkNo.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
                _chunksSent[chunk.ChunkNo] = chunk.SavedAt;
            }
        }

        if (state.IsFinished)
        {
            if (state != _stateSent)
            {
                await events.WriteEventAsync(LiveEventNames.State, state, null, cancellationToken);
            }

            return false;
        }

        await SendPartialAsync(live, events, versions, cancellationToken);
        return true;
    }

    /// <summary>Sends the partial result of the running chunk when it changed since the last one sent and its chunk is not saved yet.</summary>
    private async Task SendPartialAsync(LiveTranscriptions live, ServerSentEventWriter events, Dictionary<int, DateTimeOffset> savedChunks, CancellationToken cancellationToken)
    {
        var partial = await live.ReadPartialAsync(UserId, transcriptionId, cancellationToken);
        if (partial is null || savedChunks.ContainsKey(partial.ChunkNo) || partial == _partialSent)
        {
            return;
        }

        await events.WriteEventAsync(LiveEventNames.Partial, new LivePartialEvent(partial.ChunkNo, JsonNode.Parse(partial.Segments)), null, cancellationToken);
        _partialSent = partial;
    }
}

