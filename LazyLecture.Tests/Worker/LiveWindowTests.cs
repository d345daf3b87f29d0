using System.Net.Http.Headers;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Worker;

/// <summary>
/// Text appears while a chunk is still being transcribed: the real worker (Whisper engine, synthetic micro model) reports
/// each finished 30-second window of a 77-second recording, which is one chunk at the default chunk size.
/// </summary>
[Collection(nameof(WhisperPipeline))]
public sealed class LiveWindowTests(WhisperPipelineFixture pipeline) : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "lazylecture-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_stream_shows_each_finished_window_of_a_chunk_before_the_chunk_is_saved()
    {
        var recording = await TestAudio.RepeatAsync(SharedAssets.Require("audio/jfk.wav"), 7, _scratch, "jfk-77s.wav");
        using var api = new ApiSession(pipeline.AsFixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, await File.ReadAllBytesAsync(recording, ApiSession.Cancellation));

        var events = await ReadWholeStreamAsync(api, id, tokens.Access);

        var chunks = events.Where(e => e.Name == "chunk").ToList();
        var chunk = Assert.Single(chunks);
        var final = Segments(chunk);
        var partials = events.TakeWhile(e => e.Name != "chunk").Where(e => e.Name == "partial").Select(Segments).ToList();
        Assert.Equal(3, final.Count); // one segment per window with this model: 0–30, 30–60, 60–77 s
        Assert.NotEmpty(partials);
        Assert.All(partials, partial =>
        {
            Assert.InRange(partial.Count, 1, final.Count - 1);
            Assert.Equal(final.Take(partial.Count), partial); // what was shown live is exactly what is saved
        });
        Assert.Equal("completed", events[^1].Json["current_state"]!.GetValue<string>());
        Assert.DoesNotContain(events.SkipWhile(e => e.Name != "chunk"), e => e.Name == "partial");
    }

    /// <summary>Every event of the transcription's stream until the server ends it after the final state.</summary>
    private static async Task<List<ServerSentEvent>> ReadWholeStreamAsync(ApiSession api, int id, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/transcriptions/{id}/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ApiSession.Cancellation);
        limit.CancelAfter(TimeSpan.FromMinutes(5));
        using var response = await api.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new ServerSentEventReader(await response.Content.ReadAsStreamAsync(limit.Token));
        var events = new List<ServerSentEvent>();
        while (await reader.ReadAsync(limit.Token) is { } next)
        {
            events.Add(next);
        }

        return events;
    }

    private static List<(double Start, double End, string Text)> Segments(ServerSentEvent e) =>
        [.. e.Json["segments"]!.AsArray().Select(s => (s!["start"]!.GetValue<double>(), s["end"]!.GetValue<double>(), s["text"]!.GetValue<string>()))];

    public void Dispose()
    {
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }
}
