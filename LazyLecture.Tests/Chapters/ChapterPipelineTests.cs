using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Worker;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

namespace LazyLecture.Tests.Chapters;

/// <summary>
/// Chapters of real speech through the whole pipeline: three unrelated texts read by espeak-ng and joined by ffmpeg,
/// uploaded, transcribed by PocketSphinx in the worker; the API divides the transcript into topics when the job completes.
/// </summary>
[Collection(nameof(WorkerPipeline))]
[TestMethodOrderer(typeof(ChapterPipelineTests.EditingLast))]
public sealed class ChapterPipelineTests(WorkerPipelineFixture pipeline)
{
    private const double BoundaryTolerance = 20;
    private static readonly TimeSpan JobPatience = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task Chapters_start_near_the_topic_changes_titled_by_words_of_their_topic_and_export_in_every_form()
    {
        using var api = new ApiSession(pipeline.AsFixture);
        var (id, tokens, recording) = await TranscribeTopicsAsync(api);

        var chapters = await ChaptersAsync(api, tokens, id);

        var segments = await SegmentsAsync(api, tokens, id);
        var report = string.Join("; ", chapters.Select(c => $"{c["start"]} {c["title"]}"))
            + "\nSegments: " + string.Join(" | ", segments.Select(s => $"{s["start"]}: {s["text"]}"));
        Assert.True(chapters.Count == TopicRecording.Lecture.Count, $"Expected {TopicRecording.Lecture.Count} chapters for changes at {string.Join(", ", recording.Changes)} s, got: {report}");
        for (var i = 0; i < recording.Changes.Count; i++)
        {
            Assert.True(Math.Abs(chapters[i + 1]["start"]!.GetValue<double>() - recording.Changes[i]) <= BoundaryTolerance,
                $"Chapter {i + 2} should start within {BoundaryTolerance} s of {recording.Changes[i]:0.0} s: {report}");
        }

        for (var i = 0; i < chapters.Count; i++)
        {
            var titleWords = chapters[i]["title"]!.GetValue<string>().ToLowerInvariant().Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
            Assert.True(titleWords.Intersect(TopicRecording.Lecture[i].Words).Any(), $"Chapter {i + 1}'s title holds no word of its topic: {report}");
        }

        // Exports: the "00:00 Title" list, a WebVTT chapters track, json, and the titles as headings of the txt.
        var list = await ExportTextAsync(api, tokens, id, "chapters");
        Assert.Equal(chapters.Select((c, i) => $"{(i == 0 ? "00:00" : Clock(c["start"]!.GetValue<double>()))} {c["title"]}"), list.TrimEnd('\n').Split('\n'));
        var track = await ExportTextAsync(api, tokens, id, "chapters_vtt");
        Assert.StartsWith("WEBVTT\n\n1\n00:00:", track, StringComparison.Ordinal);
        Assert.All(chapters, c => Assert.Contains(c["title"]!.GetValue<string>(), track, StringComparison.Ordinal));
        var json = JsonNode.Parse(await ExportTextAsync(api, tokens, id, "json"))!["chapters"]!.AsArray();
        Assert.Equal(chapters.Select(c => c["title"]!.GetValue<string>()), json.Select(c => c!["title"]!.GetValue<string>()));
        var txt = await ExportTextAsync(api, tokens, id, "txt");
        Assert.All(chapters, c => Assert.Contains($" {c["title"]}\n\n", txt, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Owners_rename_move_merge_and_split_chapters_and_edited_ones_survive_a_correction()
    {
        using var api = new ApiSession(pipeline.AsFixture);
        var (id, tokens, _) = await TranscribeTopicsAsync(api);
        var segments = await SegmentsAsync(api, tokens, id);
        var computed = await ChaptersAsync(api, tokens, id);
        Assert.True(computed.Count >= 2, "the test needs two chapters");

        // Rename the first; split the last at a later segment; merge them back; move the second chapter one segment on.
        var renamed = await SendAsync(api, tokens, HttpMethod.Patch, $"/api/v1/transcriptions/{id}/chapters/1", new { title = "Baking at home" });
        Assert.Equal(("Baking at home", true), (renamed[0]!["title"]!.GetValue<string>(), renamed[0]!["edited"]!.GetValue<bool>()));

        var lastStart = computed[^1]["start"]!.GetValue<double>();
        var splitAt = segments.Select(s => s["start"]!.GetValue<double>()).First(start => start > lastStart + 1);
        var split = await SendAsync(api, tokens, HttpMethod.Post, $"/api/v1/transcriptions/{id}/chapters/{computed.Count}/split", new { at = splitAt });
        Assert.Equal(computed.Count + 1, split.Count);
        Assert.Equal(splitAt, split[^1]!["start"]!.GetValue<double>());
        var merged = await SendAsync(api, tokens, HttpMethod.Post, $"/api/v1/transcriptions/{id}/chapters/{computed.Count}/merge", null);
        Assert.Equal(computed.Count, merged.Count);

        var secondStart = computed[1]["start"]!.GetValue<double>();
        var movedTo = segments.Select(s => s["start"]!.GetValue<double>()).First(start => start > secondStart);
        var moved = await SendAsync(api, tokens, HttpMethod.Patch, $"/api/v1/transcriptions/{id}/chapters/2", new { start = movedTo });
        Assert.Equal(movedTo, moved[1]!["start"]!.GetValue<double>());

        // Bad edits change nothing: a start that is no segment's, a title too long, a chapter that does not exist.
        using (var notSegment = await api.SendAsync(HttpMethod.Patch, $"/api/v1/transcriptions/{id}/chapters/2", JsonContent.Create(new { start = movedTo + 0.0123 }), tokens.Access))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, notSegment.StatusCode);
        }

        using (var longTitle = await api.SendAsync(HttpMethod.Patch, $"/api/v1/transcriptions/{id}/chapters/1", JsonContent.Create(new { title = new string('x', 201) }), tokens.Access))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, longTitle.StatusCode);
        }

        using (var missing = await api.SendAsync(HttpMethod.Post, $"/api/v1/transcriptions/{id}/chapters/99/merge", null, tokens.Access))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        var (_, stranger) = await api.NewUploaderAsync();
        using (var foreign = await api.GetAsync($"/api/v1/transcriptions/{id}/chapters", stranger.Access))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        // A correction recomputes the chapters: the edited ones stay as their owner left them.
        var before = await ChaptersAsync(api, tokens, id);
        using (var correction = await api.SendAsync(HttpMethod.Patch, $"/api/v1/transcriptions/{id}/segments/0", JsonContent.Create(new { text = "Today we bake bread at home." }), tokens.Access))
        {
            Assert.Equal(HttpStatusCode.OK, correction.StatusCode);
        }

        var after = await ChaptersAsync(api, tokens, id);
        Assert.Equal(before.Where(c => c["edited"]!.GetValue<bool>()).Select(c => (c["start"]!.GetValue<double>(), c["title"]!.GetValue<string>())),
            after.Where(c => c["edited"]!.GetValue<bool>()).Select(c => (c["start"]!.GetValue<double>(), c["title"]!.GetValue<string>())));
        Assert.Equal("Baking at home", after[0]["title"]!.GetValue<string>());
    }

    /// <summary>
    /// Runs the editing test (it renames, moves, merges and splits chapters and corrects the text) after the test that reads
    /// the chapters as computed, so both share one transcription of the topic recording (a PocketSphinx job of two and a
    /// half minutes).
    /// </summary>
    public sealed class EditingLast : ITestMethodOrderer
    {
        public IReadOnlyCollection<TTestMethod?> OrderTestMethods<TTestMethod>(IReadOnlyCollection<TTestMethod?> testMethods)
            where TTestMethod : notnull, ITestMethod =>
            [.. DefaultTestMethodOrderer.Instance.OrderTestMethods(testMethods)
                .OrderBy(m => m?.MethodName == nameof(Owners_rename_move_merge_and_split_chapters_and_edited_ones_survive_a_correction))];
    }

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static TopicRecording? spoken;
    private static (int Id, Tokens Tokens)? transcribed;

    /// <summary>The topic recording, transcribed once for the class (see <see cref="EditingLast"/>), in one chunk.</summary>
    private static async Task<(int Id, Tokens Tokens, TopicRecording Recording)> TranscribeTopicsAsync(ApiSession api)
    {
        await Once.WaitAsync(ApiSession.Cancellation);
        try
        {
            if (transcribed is null)
            {
                spoken = await TopicRecording.SpeakAsync(TopicRecording.Lecture);
                var (_, tokens) = await api.NewUploaderAsync();
                // one chunk, as a lecture of a few minutes is at the usual chunk size (the pipeline's default is 10 s)
                var id = await api.UploadOkAsync(tokens.Access, spoken.Wav, path: "/api/v1/transcriptions?chunk_size_secs=900");
                await Eventually.MatchesAsync(() => api.GetTranscriptionAsync(tokens.Access, id), t => t["current_state"]!.GetValue<string>() == "completed", JobPatience, $"transcription {id} completed");
                transcribed = (id, tokens);
            }

            return (transcribed.Value.Id, transcribed.Value.Tokens, spoken!);
        }
        finally
        {
            Once.Release();
        }
    }

    private static async Task<List<JsonObject>> ChaptersAsync(ApiSession api, Tokens tokens, int id)
    {
        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/chapters", tokens.Access);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonNode.Parse(await response.Content.ReadAsStringAsync(ApiSession.Cancellation))!.AsArray().Select(c => c!.AsObject())];
    }

    private static async Task<List<JsonObject>> SegmentsAsync(ApiSession api, Tokens tokens, int id)
    {
        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/segments?size=100", tokens.Access);
        return [.. (await ApiSession.ReadObjectAsync(response))["segments"]!.AsArray().Select(s => s!.AsObject())];
    }

    private static async Task<JsonArray> SendAsync(ApiSession api, Tokens tokens, HttpMethod method, string path, object? body)
    {
        using var response = await api.SendAsync(method, path, body is null ? null : JsonContent.Create(body), tokens.Access);
        var text = await response.Content.ReadAsStringAsync(ApiSession.Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    private static async Task<string> ExportTextAsync(ApiSession api, Tokens tokens, int id, string format)
    {
        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/export?format={format}", tokens.Access);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(ApiSession.Cancellation);
    }

    private static string Clock(double seconds) => TimeSpan.FromSeconds(Math.Floor(seconds)).ToString(@"mm\:ss", System.Globalization.CultureInfo.InvariantCulture);
}
