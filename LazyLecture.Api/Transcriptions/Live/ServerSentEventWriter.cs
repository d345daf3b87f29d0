using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LazyLecture.Contracts.Live;
using Microsoft.AspNetCore.Http.Features;

namespace LazyLecture.Api.Transcriptions.Live;

/// <summary>
/// Writes the <c>text/event-stream</c> format by hand (rather than <c>TypedResults.ServerSentEvents</c>) because the stream
/// also needs comment heartbeats and to end itself; every event is flushed at once, nothing is buffered.
/// </summary>
public sealed class ServerSentEventWriter(HttpResponse response, JsonSerializerOptions json)
{
    public const string ContentType = ServerSentEventReader.ContentType;

    private long _lastWrite = Stopwatch.GetTimestamp();

    public TimeSpan IdleFor => Stopwatch.GetElapsedTime(_lastWrite);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no"; // tells a reverse proxy (nginx) not to hold events back
        response.HttpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        await response.StartAsync(cancellationToken);
        await WriteAsync(": stream open\n\n", cancellationToken);
    }

    public Task WriteEventAsync<T>(string name, T data, string? id, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.Append("event: ").Append(name).Append('\n');
        if (id is not null)
        {
            text.Append("id: ").Append(id).Append('\n');
        }

        // Compact JSON has no line breaks, so the payload is always one data line.
        text.Append("data: ").Append(JsonSerializer.Serialize(data, json)).Append("\n\n");
        return WriteAsync(text.ToString(), cancellationToken);
    }

    /// <summary>A comment line: ignored by clients, keeps proxies and load balancers from closing an idle stream.</summary>
    public Task WriteHeartbeatAsync(CancellationToken cancellationToken) => WriteAsync(": keep-alive\n\n", cancellationToken);

    private async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        _lastWrite = Stopwatch.GetTimestamp();
    }
}
