using System.Net;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.Chapters;

/// <summary>Chapters computed when a job completes, on segments saved through the worker's endpoints (no engine).</summary>
public sealed class ChapterApiTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    /// <summary>Each sentence of the topics is one segment this long: the 35 of them fit in the 107-s recording they are saved on.</summary>
    private const double SecondsPerSentence = 3.0;

    /// <summary>A recording long enough for the lecture's segments, which must lie inside it.</summary>
    internal static byte[] LongRecording => File.ReadAllBytes(SharedAssets.Require("audio/long-lecture.wav"));

    [Fact]
    public async Task Completing_a_job_divides_its_transcript_into_titled_chapters_at_the_topic_changes()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, LongRecording);
        await SaveLectureAsync(api, id);
        await api.ReportStateAsync(id, "completed");

        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/chapters", owner.Access);
        var body = await response.Content.ReadAsStringAsync(ApiSession.Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var chapters = JsonNode.Parse(body)!.AsArray();

        // The true changes: the first sentence of each later topic.
        var changes = TopicRecording.Lecture.Select(t => t.Text.Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length)
            .Take(TopicRecording.Lecture.Count - 1).Aggregate(new List<double>(), (starts, count) => { starts.Add((starts.Count == 0 ? 0 : starts[^1]) + count * SecondsPerSentence); return starts; });
        Assert.True(chapters.Count == TopicRecording.Lecture.Count, body);
        Assert.Equal(changes, chapters.Skip(1).Select(c => c!["start"]!.GetValue<double>()));
        for (var i = 0; i < chapters.Count; i++)
        {
            var words = chapters[i]!["title"]!.GetValue<string>().ToLowerInvariant().Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
            Assert.True(words.Intersect(TopicRecording.Lecture[i].Words).Any(), body);
        }
    }

    [Fact]
    public async Task Cancelling_a_job_after_it_saved_text_gives_the_partial_transcript_chapters_too()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, LongRecording);
        await SaveLectureAsync(api, id);

        using var cancel = await api.SendAsync(HttpMethod.Post, $"/api/v1/transcriptions/{id}/cancel", null, owner.Access);
        var cancelled = await ApiSession.ReadObjectAsync(cancel);
        Assert.Equal("completed_partially", cancelled["current_state"]!.GetValue<string>());

        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/chapters", owner.Access);
        var body = await response.Content.ReadAsStringAsync(ApiSession.Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var chapters = JsonNode.Parse(body)!.AsArray();
        Assert.True(chapters.Count == TopicRecording.Lecture.Count, body);
        Assert.Equal(0, chapters[0]!["start"]!.GetValue<double>());
    }

    /// <summary>The worker's part: the job starts and saves the lecture's sentences, one segment each, as chunk 0 (the browser tests use it too).</summary>
    internal static async Task SaveLectureAsync(ApiSession api, int id)
    {
        await api.ReportStateAsync(id, "in_progress");
        var segments = Sentences(TopicRecording.Lecture.Select(topic => topic.Text))
            .Select((sentence, i) => (Start: i * SecondsPerSentence, End: (i + 1) * SecondsPerSentence, Text: sentence + "."))
            .ToArray();
        await api.SaveChunkAsync(id, 0, string.Join(' ', segments.Select(s => s.Text)), segments);
    }

    private static IEnumerable<string> Sentences(IEnumerable<string> texts) =>
        texts.SelectMany(text => text.Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
