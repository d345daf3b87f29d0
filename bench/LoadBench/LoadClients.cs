using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Live;

namespace LoadBench;

/// <summary>
/// What the simulated people do: readers list and read transcripts, followers keep a live event stream (SSE) open as the
/// web app does, uploaders send real recordings and wait for each to finish before the next (one active job per user).
/// </summary>
public sealed class LoadClients(HttpClient http, RequestLog log)
{
    /// <summary>How long a follower keeps one stream before it reconnects (as a browser tab would be closed and reopened).</summary>
    private static readonly TimeSpan StreamSpan = TimeSpan.FromSeconds(10);

    public async Task ReadAsync(BenchAccount account, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await GetAsync(account, "list", "/api/v1/transcriptions?size=20", stop);
            if (account.AnyTranscription() is { } id)
            {
                await GetAsync(account, "detail", $"/api/v1/transcriptions/{id}", stop);
                await GetAsync(account, "segments", $"/api/v1/transcriptions/{id}/segments", stop);
                await GetAsync(account, "chunks", $"/api/v1/transcriptions/{id}/chunks", stop);
            }
        }
    }

    public async Task FollowAsync(BenchAccount account, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (account.AnyTranscription() is not { } id)
            {
                await GetAsync(account, "list", "/api/v1/transcriptions?size=20", stop);
                continue;
            }

            // Latency of a stream: until its first event (the snapshot of the transcription's state).
            using var span = CancellationTokenSource.CreateLinkedTokenSource(stop);
            span.CancelAfter(StreamSpan);
            var stream = await IgnoringStop(stop, () => log.TimeAsync("events", stop, async () =>
            {
                var request = account.Request(HttpMethod.Get, $"/api/v1/transcriptions/{id}/events");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ServerSentEventReader.ContentType));
                var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, span.Token);
                await UnexpectedResponseException.EnsureAsync(response, span.Token);
                var reader = new ServerSentEventReader(await response.Content.ReadAsStreamAsync(span.Token));
                await reader.ReadAsync(span.Token);
                return (response, reader);
            }));
            if (stream.response is null)
            {
                continue;
            }

            // Then follows it until it ends (a finished job's stream ends after its last event) or the span is over.
            try
            {
                while (await stream.reader.ReadAsync(span.Token) is not null)
                {
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                stream.reader.Dispose();
                stream.response.Dispose();
            }
        }
    }

    /// <summary>Uploads a recording as the web app does; the transcription that follows is the worker's (and the followers' to watch).</summary>
    public async Task UploadAsync(BenchAccount account, string audioFile, CancellationToken cancellationToken)
    {
        var id = await log.TimeAsync("upload", cancellationToken, async () =>
        {
            using var request = account.Request(HttpMethod.Post, "/api/v1/transcriptions");
            await using var file = File.OpenRead(audioFile);
            request.Content = new MultipartFormDataContent { { new StreamContent(file), "audiofile", Path.GetFileName(audioFile) } };
            using var response = await http.SendAsync(request, cancellationToken);
            await UnexpectedResponseException.EnsureAsync(response, cancellationToken);
            return (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["id"]!.GetValue<int>();
        });
        if (id != 0)
        {
            account.Transcriptions.Enqueue(id);
        }
    }

    /// <summary>How many of the accounts' transcriptions have finished (a list request per account; not counted as load).</summary>
    public async Task<int> FinishedAsync(IEnumerable<BenchAccount> accounts, CancellationToken cancellationToken)
    {
        var finished = 0;
        foreach (var account in accounts)
        {
            using var request = account.Request(HttpMethod.Get, "/api/v1/transcriptions?size=100");
            using var response = await http.SendAsync(request, cancellationToken);
            await UnexpectedResponseException.EnsureAsync(response, cancellationToken);
            var page = (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!;
            finished += page["transcriptions"]!.AsArray().Count(t => TranscriptionStates.IsFinished(t!["current_state"]!.GetValue<string>()));
        }

        return finished;
    }

    private Task<JsonObject?> GetAsync(BenchAccount account, string kind, string path, CancellationToken stop) =>
        IgnoringStop(stop, () => log.TimeAsync(kind, stop, async () =>
        {
            using var request = account.Request(HttpMethod.Get, path);
            using var response = await http.SendAsync(request, stop);
            await UnexpectedResponseException.EnsureAsync(response, stop);
            return await response.Content.ReadFromJsonAsync<JsonObject>(stop);
        }));

    // The end of the run cancels requests in flight: neither an error nor a latency.
    private static async Task<T?> IgnoringStop<T>(CancellationToken stop, Func<Task<T?>> request)
    {
        try
        {
            return await request();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return default;
        }
    }
}
