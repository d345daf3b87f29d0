using System.Net;
using LazyLecture.Tests.Infrastructure;
using Xunit;
using static LazyLecture.Tests.Transcriptions.LiveProgressTests;

namespace LazyLecture.Tests.Transcriptions;

/// <summary>
/// The partial result of a running chunk (the worker reports it after each engine window), driven through the worker
/// endpoints: followers get it at once, the saved chunk replaces it, and it never reaches the transcript itself.
/// </summary>
public sealed class PartialResultTests(AppHostFixture fixture)
{
    [Fact]
    public async Task Each_partial_report_reaches_the_stream_and_the_saved_chunk_replaces_it()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        await using var stream = await EventStream.OpenAsync(api, id, tokens.Access);
        await stream.NextAsync(); // the snapshot

        var (first, _) = await stream.AfterAsync(() => ReportPartialAsync(api, id, 0, (0.0, 3.5, " And so ")));
        var (second, _) = await stream.AfterAsync(() => ReportPartialAsync(api, id, 0, (0.0, 3.5, "And so"), (3.5, 6.0, "my fellow Americans")));
        var (counted, chunk) = await stream.AfterChunkSavedAsync(
            () => api.SaveChunkAsync(id, 0, "And so my fellow Americans", (0.0, 3.5, "And so"), (3.5, 6.5, "my fellow Americans")));

        Assert.Equal("partial", first.Name);
        Assert.Equal(0, first.Json["chunk_no"]!.GetValue<int>());
        Assert.Equal([(0, 0.0, 3.5, "And so")], Segments(first));
        Assert.Equal("partial", second.Name);
        Assert.Equal([(0, 0.0, 3.5, "And so"), (1, 3.5, 6.0, "my fellow Americans")], Segments(second));
        Assert.Equal(1, counted.Json["chunks_saved"]!.GetValue<int>());
        Assert.Equal("chunk", chunk.Name);
        Assert.Equal([(0, 0.0, 3.5, "And so"), (1, 3.5, 6.5, "my fellow Americans")], Segments(chunk));
    }

    [Fact]
    public async Task A_partial_result_is_not_part_of_the_transcript_and_a_late_report_for_a_saved_chunk_is_dropped()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        await ReportPartialAsync(api, id, 0, (0.0, 2.0, "unsaved words"));

        using var segments = await api.GetAsync($"/api/v1/transcriptions/{id}/segments", tokens.Access);
        Assert.Equal(0, (await ApiSession.ReadObjectAsync(segments))["total"]!.GetValue<int>());

        await api.SaveChunkAsync(id, 0, "saved", (0.0, 2.0, "saved"));
        await ReportPartialAsync(api, id, 0, (0.0, 2.0, "late words"));
        await using var stream = await EventStream.OpenAsync(api, id, tokens.Access);
        var snapshot = await stream.NextAsync();
        var saved = await stream.NextAsync();
        var (progressed, _) = await stream.AfterAsync(() => ReportProgressAsync(api, id, 3.0));

        Assert.Equal("state", snapshot.Name);
        Assert.Equal("chunk", saved.Name);
        Assert.Equal("state", progressed.Name); // and not the late partial
    }

    [Fact]
    public async Task Bad_partial_reports_are_422_and_after_the_final_state_409()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk); // 11 s, default chunk size: only chunk 0

        using var beyond = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/1/partial", Body((0.0, 1.0, "x")));
        using var backwards = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/0/partial", Body((2.0, 1.0, "x")));
        using var withoutKey = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/0/partial", Body((0.0, 1.0, "x")), key: "wrong");
        using (var cancel = await api.SendAsync(HttpMethod.Post, $"/api/v1/transcriptions/{id}/cancel", null, tokens.Access))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        using var finished = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/0/partial", Body((0.0, 1.0, "x")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, beyond.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, backwards.StatusCode);
        Assert.Equal("application/problem+json", backwards.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, finished.StatusCode);
    }

    internal static async Task ReportPartialAsync(ApiSession api, int id, int chunkNo, params (double Start, double End, string Text)[] segments)
    {
        using var response = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/{chunkNo}/partial", Body(segments));
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"partial {chunkNo}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ApiSession.Cancellation)}");
    }

    private static object Body(params (double Start, double End, string Text)[] segments) =>
        new { text = string.Join(' ', segments.Select(s => s.Text)), segments = segments.Select(s => new { start = s.Start, end = s.End, text = s.Text }) };

    private static List<(int, double, double, string)> Segments(ServerSentEvent e) =>
        [.. e.Json["segments"]!.AsArray().Select(s => (s!["segment_no"]!.GetValue<int>(), s["start"]!.GetValue<double>(), s["end"]!.GetValue<double>(), s["text"]!.GetValue<string>()))];
}
