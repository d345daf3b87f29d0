using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using LazyLecture.Api.Transcriptions.Live;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace LazyLecture.Tests.Transcriptions;

/// <summary>
/// Following a job over Server-Sent Events while the test drives it through the worker endpoints. "Within four seconds"
/// (including the request that makes the change) is the SPEC's "within a second" with room for a loaded 2-core machine;
/// only the LISTEN/NOTIFY path can be that quick, the stream's safety-net re-read comes every 30 s.
/// </summary>
public sealed class LiveProgressTests(AppHostFixture fixture)
{
    internal static readonly TimeSpan Soon = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Stream_shows_each_state_change_and_chunk_soon_after_it_is_saved_and_ends_after_completion()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);

        await using var stream = await EventStream.OpenAsync(api, id, tokens.Access);
        var snapshot = await stream.NextAsync();

        Assert.Equal("text/event-stream", stream.ContentType);
        Assert.Equal("state", snapshot.Name);
        Assert.Equal(id, snapshot.Json["id"]!.GetValue<int>());
        Assert.Equal("queued", snapshot.Json["current_state"]!.GetValue<string>());
        Assert.Equal(0, snapshot.Json["chunks_saved"]!.GetValue<int>());
        Assert.Equal(0.0, snapshot.Json["progress_secs"]!.GetValue<double>());
        Assert.InRange(snapshot.Json["audio_len_secs"]!.GetValue<double>(), 10, 12);

        var (started, _) = await stream.AfterAsync(() => api.ReportStateAsync(id, "in_progress"));
        var (counted, chunk) = await stream.AfterChunkSavedAsync(
            () => api.SaveChunkAsync(id, 0, "And so my fellow Americans", (0.0, 3.5, "And so"), (3.5, 6.0, "my fellow Americans")));
        var (progressed, _) = await stream.AfterAsync(() => ReportProgressAsync(api, id, 6.0));
        var (completed, _) = await stream.AfterAsync(() => api.ReportStateAsync(id, "completed"));
        var end = await stream.EndWithinAsync(Soon);

        Assert.Equal(("state", "in_progress", 0), Summary(started));
        Assert.Equal(("state", "in_progress", 1), Summary(counted));
        Assert.Equal("chunk", chunk.Name);
        Assert.Equal("0", chunk.Id);
        Assert.Equal(0, chunk.Json["chunk_no"]!.GetValue<int>());
        Assert.Equal("And so my fellow Americans", chunk.Json["text"]!.GetValue<string>());
        Assert.Equal(
            [(0.0, 3.5, "And so"), (3.5, 6.0, "my fellow Americans")],
            chunk.Json["segments"]!.AsArray().Select(s => (s!["start"]!.GetValue<double>(), s["end"]!.GetValue<double>(), s["text"]!.GetValue<string>())));
        Assert.Equal(("state", "in_progress", 1), Summary(progressed));
        Assert.Equal(6.0, progressed.Json["progress_secs"]!.GetValue<double>());
        Assert.Equal(("state", "completed", 1), Summary(completed));
        Assert.True(completed.Json["is_finished"]!.GetValue<bool>());
        Assert.True(end, "the stream did not end after the final state");
    }

    [Fact]
    public async Task Another_users_transcription_is_404_problem_details_before_any_stream()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        var (_, _, stranger) = await api.NewUserAsync();

        using var response = await api.SendAsync(HttpMethod.Get, $"/api/v1/transcriptions/{id}/events", null, stranger.Access);
        using var anonymous = await api.GetAsync($"/api/v1/transcriptions/{id}/events");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await ApiSession.ReadObjectAsync(response))["status"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Deleting_the_transcription_ends_its_stream_with_a_deleted_event()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await using var stream = await EventStream.OpenAsync(api, id, tokens.Access);
        await stream.NextAsync();

        var (deleted, _) = await stream.AfterAsync(async () =>
        {
            using var delete = await api.SendAsync(HttpMethod.Delete, $"/api/v1/transcriptions/{id}", null, tokens.Access);
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        });

        Assert.Equal("deleted", deleted.Name);
        Assert.Equal(id, deleted.Json["id"]!.GetValue<int>());
        Assert.True(await stream.EndWithinAsync(Soon), "the stream did not end after the deletion");
    }

    [Fact]
    public async Task Cancelling_ends_the_stream_with_the_final_state()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await using var stream = await EventStream.OpenAsync(api, id, tokens.Access);
        await stream.NextAsync();

        var (cancelled, _) = await stream.AfterAsync(async () =>
        {
            using var cancel = await api.SendAsync(HttpMethod.Post, $"/api/v1/transcriptions/{id}/cancel", null, tokens.Access);
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        });

        Assert.Equal(("state", "cancelled", 0), Summary(cancelled));
        Assert.True(await stream.EndWithinAsync(Soon), "the stream did not end after cancellation");
    }

    /// <summary>A stream must not outlive the right to open it: logging out revokes the token, and the stream ends.</summary>
    [Fact]
    public async Task Logging_out_ends_the_stream_with_an_unauthorized_event()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await using var stream = await EventStream.OpenAsync(api, id, tokens.Access);
        await stream.NextAsync();

        using var logout = await api.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", null, tokens.Access);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        var unauthorized = await stream.NextAsync(); // noticed at the next token check, within 5 s

        Assert.Equal("unauthorized", unauthorized.Name);
        Assert.Contains("revoked", unauthorized.Json["detail"]!.GetValue<string>());
        Assert.True(await stream.EndWithinAsync(Soon), "the stream did not end after the token was revoked");
    }

    [Fact]
    public async Task A_user_may_hold_ten_streams_open_and_the_eleventh_is_429_until_one_closes()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        var streams = new List<EventStream>();
        try
        {
            for (var i = 0; i < LiveStreamQuota.MaxStreamsPerUser; i++)
            {
                streams.Add(await EventStream.OpenAsync(api, id, tokens.Access));
                await streams[^1].NextAsync(); // the snapshot: the stream holds its slot
            }

            using var refused = await api.SendAsync(HttpMethod.Get, $"/api/v1/transcriptions/{id}/events", null, tokens.Access);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(refused.Headers.RetryAfter);

            await streams[0].DisposeAsync();
            streams.RemoveAt(0);
            // The slot frees once the server notices the client has gone (a refused attempt throws and is retried).
            await using var again = await Eventually.MatchesAsync(
                () => EventStream.OpenAsync(api, id, tokens.Access), stream => stream is not null, TimeSpan.FromSeconds(15), "a freed stream slot");
            Assert.Equal("state", (await again.NextAsync()).Name);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    /// <summary>The fan-out goes through PostgreSQL, not this API process: a change committed by anyone (another replica) arrives.</summary>
    [Fact]
    public async Task A_change_committed_by_another_process_reaches_the_stream()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await using var stream = await EventStream.OpenAsync(api, id, tokens.Access);
        await stream.NextAsync();

        await using var connection = new NpgsqlConnection(fixture.App.GetConnectionString(ResourceNames.Database));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var update = new NpgsqlCommand("UPDATE transcriptions SET current_state = 'in_progress', progress_secs = 4 WHERE id = @id", connection);
        update.Parameters.AddWithValue("id", id);

        var (changed, _) = await stream.AfterAsync(async () => Assert.Equal(1, await update.ExecuteNonQueryAsync(TestContext.Current.CancellationToken)));

        Assert.Equal(("state", "in_progress", 0), Summary(changed));
        Assert.Equal(4.0, changed.Json["progress_secs"]!.GetValue<double>());
    }

    [Fact]
    public async Task Reconnecting_with_Last_Event_ID_skips_the_chunks_already_received()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        using var upload = await api.UploadAsync(tokens.Access, TranscriptionClient.Jfk, path: "/api/v1/transcriptions?chunk_size_secs=10"); // 11 s: chunks 0 and 1
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var id = (await ApiSession.ReadObjectAsync(upload))["id"]!.GetValue<int>();
        await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, "first chunk", (0, 10, "first chunk"));
        await api.SaveChunkAsync(id, 1, "second chunk", (10, 11, "second chunk"));

        await using var fresh = await EventStream.OpenAsync(api, id, tokens.Access);
        var freshEvents = new[] { await fresh.NextAsync(), await fresh.NextAsync(), await fresh.NextAsync() };
        await using var resumed = await EventStream.OpenAsync(api, id, tokens.Access, lastEventId: "0");
        var resumedEvents = new[] { await resumed.NextAsync(), await resumed.NextAsync() };

        Assert.Equal([("state", null), ("chunk", "0"), ("chunk", "1")], freshEvents.Select(e => (e.Name, e.Id)));
        Assert.Equal([("state", null), ("chunk", "1")], resumedEvents.Select(e => (e.Name, e.Id)));
        Assert.Equal("second chunk", resumedEvents[1].Json["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenAPI_documents_the_stream_as_text_event_stream()
    {
        using var api = new ApiSession(fixture);
        using var response = await api.GetAsync("/openapi/v1.json");
        var operation = (await ApiSession.ReadObjectAsync(response))["paths"]!["/api/v1/transcriptions/{id}/events"]!["get"]!;

        Assert.NotNull(operation["responses"]!["200"]!["content"]!["text/event-stream"]);
        Assert.NotNull(operation["responses"]!["404"]);
        Assert.Contains("chunk", operation["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Hub_wakes_only_that_transcriptions_streams_and_forgets_it_when_the_last_one_leaves()
    {
        var hub = new TranscriptionEventHub();
        var first = hub.Subscribe(1);
        var second = hub.Subscribe(1);
        using var other = hub.Subscribe(2);

        hub.Publish(1);
        hub.Publish(1); // coalesces with the first: one wake-up, one re-read
        var woken = (await first.WaitAsync(TimeSpan.Zero, ApiSession.Cancellation), await first.WaitAsync(TimeSpan.Zero, ApiSession.Cancellation));
        var otherWoken = await other.WaitAsync(TimeSpan.Zero, ApiSession.Cancellation);
        first.Dispose();
        var stillFollowed = hub.FollowedCount;
        second.Dispose();

        Assert.Equal((true, false), woken);
        Assert.False(otherWoken);
        Assert.Equal(2, stillFollowed);
        Assert.Equal(1, hub.FollowedCount);
    }

    internal static async Task ReportProgressAsync(ApiSession api, int id, double seconds)
    {
        using var response = await api.WorkerAsync(HttpMethod.Post, $"/internal/v1/transcriptions/{id}/progress", new { seconds });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    internal static (string Name, string State, int Chunks) Summary(ServerSentEvent e) =>
        (e.Name, e.Json["current_state"]!.GetValue<string>(), e.Json["chunks_saved"]!.GetValue<int>());

    /// <summary>An open event stream; each read is bounded so a missing event fails the test instead of hanging it.</summary>
    internal sealed class EventStream(HttpResponseMessage response, ServerSentEventReader reader) : IAsyncDisposable
    {
        private static readonly TimeSpan ReadLimit = TimeSpan.FromSeconds(15);

        public string? ContentType => response.Content.Headers.ContentType?.MediaType;

        /// <summary>Opens the stream through <paramref name="via"/> (another API replica), or the session's own client.</summary>
        public static async Task<EventStream> OpenAsync(ApiSession api, int id, string accessToken, string? lastEventId = null, HttpClient? via = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/transcriptions/{id}/events");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }

            var response = await (via ?? api.Http).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ApiSession.Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return new EventStream(response, new ServerSentEventReader(await response.Content.ReadAsStreamAsync(ApiSession.Cancellation)));
        }

        public async Task<ServerSentEvent> NextAsync()
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ApiSession.Cancellation);
            limit.CancelAfter(ReadLimit);
            return await reader.ReadAsync(limit.Token) ?? throw new InvalidOperationException("The stream ended before the next event.");
        }

        /// <summary>
        /// Makes a change and reads the event(s) it causes, asserting each arrived within <see cref="Soon"/> of the change
        /// being started (so the time includes the request that saves it: an upper bound on the delay after the commit).
        /// </summary>
        public async Task<(ServerSentEvent First, ServerSentEvent? Second)> AfterAsync(Func<Task> change, int events = 1)
        {
            var clock = Stopwatch.StartNew();
            await change();
            var received = new List<ServerSentEvent>();
            for (var i = 0; i < events; i++)
            {
                var next = await NextAsync();
                Assert.True(clock.Elapsed < Soon, $"'{next.Name}' arrived {clock.Elapsed.TotalMilliseconds:0} ms after the change: {next.Data}");
                received.Add(next);
            }

            return (received[0], received.ElementAtOrDefault(1));
        }

        /// <summary>
        /// The two events a chunk save brings, soon after it: the state that counts the chunk, and the chunk. In either
        /// order: the stream reads the state, then the chunks, so a save that commits between those two reads (another
        /// wake-up was under way) arrives as its chunk first and the state that counts it next.
        /// </summary>
        public async Task<(ServerSentEvent State, ServerSentEvent Chunk)> AfterChunkSavedAsync(Func<Task> save)
        {
            var (first, second) = await AfterAsync(save, events: 2);
            return first.Name == Contracts.Live.LiveEventNames.Chunk ? (second!, first) : (first, second!);
        }

        /// <summary>True when the server ends the stream (with no further event) within <paramref name="soon"/>.</summary>
        public async Task<bool> EndWithinAsync(TimeSpan soon)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ApiSession.Cancellation);
            limit.CancelAfter(soon);
            try
            {
                return await reader.ReadAsync(limit.Token) is null;
            }
            catch (OperationCanceledException) when (!ApiSession.Cancellation.IsCancellationRequested)
            {
                return false;
            }
        }

        public ValueTask DisposeAsync()
        {
            reader.Dispose();
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
