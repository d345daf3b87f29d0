using LazyLecture.Api.Transcriptions.Live;
using LazyLecture.Contracts;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace LazyLecture.Api.OpenAi;

/// <summary>OpenAI's streaming transcription events (<c>stream=true</c>).</summary>
public sealed record OpenAiTextDelta(string Delta)
{
    public string Type => OpenAiTranscriptionStream.DeltaEvent;
}

public sealed record OpenAiTextDone(string Text)
{
    public string Type => OpenAiTranscriptionStream.DoneEvent;
}

public sealed record OpenAiStreamError(OpenAiError Error)
{
    public string Type => "error";
}

/// <summary>
/// Streams a transcription's text as it is saved: a <c>transcript.text.delta</c> per segment of each saved chunk, in order,
/// then <c>transcript.text.done</c> with the whole text. Woken by the same change notifications as live progress; an
/// <c>error</c> event ends the stream if the job is cancelled, fails or runs past the time limit.
/// </summary>
public sealed class OpenAiTranscriptionStream(int userId, int transcriptionId, DateTimeOffset deadline) : IResult
{
    public const string DeltaEvent = "transcript.text.delta";
    public const string DoneEvent = "transcript.text.done";

    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var live = services.GetRequiredService<LiveTranscriptions>();
        var events = new ServerSentEventWriter(httpContext.Response, services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        var cancellationToken = stop.Token;
        using var subscription = services.GetRequiredService<TranscriptionEventHub>().Subscribe(transcriptionId);

        var nextChunk = 0;
        var text = new System.Text.StringBuilder();
        try
        {
            await events.StartAsync(cancellationToken);
            while (true)
            {
                var state = await live.ReadStateAsync(userId, transcriptionId, cancellationToken);
                if (state is null)
                {
                    await WriteErrorAsync(events, new OpenAiRequestException(StatusCodes.Status404NotFound, $"Transcription {transcriptionId} was deleted while it ran.", null, "not_found"), cancellationToken);
                    return;
                }

                // Chunks are saved in order; each is sent once, as soon as it and all before it exist.
                var saved = await live.ReadChunkVersionsAsync(userId, transcriptionId, cancellationToken);
                var ready = new List<int>();
                for (var n = nextChunk; saved.ContainsKey(n); n++)
                {
                    ready.Add(n);
                }

                if (ready.Count > 0)
                {
                    foreach (var chunk in await live.ReadChunksAsync(userId, transcriptionId, ready, cancellationToken))
                    {
                        foreach (var segment in chunk.Segments.Where(s => s.Text.Length > 0))
                        {
                            var delta = text.Length == 0 ? segment.Text : " " + segment.Text;
                            text.Append(delta);
                            await events.WriteEventAsync(DeltaEvent, new OpenAiTextDelta(delta), null, cancellationToken);
                        }
                    }

                    nextChunk = ready[^1] + 1;
                }

                if (state.IsFinished)
                {
                    if (state.CurrentState == TranscriptionState.Completed)
                    {
                        await events.WriteEventAsync(DoneEvent, new OpenAiTextDone(text.ToString()), null, cancellationToken);
                    }
                    else
                    {
                        await WriteErrorAsync(events, OpenAiTranscriptions.NotCompleted(state), cancellationToken);
                    }

                    return;
                }

                var remaining = deadline - DateTimeOffset.UtcNow;
                if (remaining <= TimeSpan.Zero)
                {
                    await WriteErrorAsync(events, OpenAiTranscriptions.TimedOut(transcriptionId), cancellationToken);
                    return;
                }

                await subscription.WaitAsync(remaining < RecheckInterval ? remaining : RecheckInterval, cancellationToken);
                if (events.IdleFor >= HeartbeatInterval)
                {
                    await events.WriteHeartbeatAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left or the application is stopping; the transcription itself goes on.
        }
    }

    private static Task WriteErrorAsync(ServerSentEventWriter events, OpenAiRequestException error, CancellationToken cancellationToken) =>
        events.WriteEventAsync("error", new OpenAiStreamError(new OpenAiError(error.Message, error.StatusCode >= 500 ? "server_error" : "invalid_request_error", null, error.Code)), null, cancellationToken);
}
