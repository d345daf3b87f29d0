using System.Net;
using System.Net.Http.Json;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;
using static LazyLecture.Tests.Transcriptions.SearchTests;

namespace LazyLecture.Tests.Transcriptions;

/// <summary><c>PATCH /api/v1/transcriptions/{id}/segments/{n}</c>: the owner corrects a segment; chunk, exports and search follow.</summary>
public sealed class SegmentCorrectionTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task A_correction_changes_the_segment_the_chunk_text_the_txt_export_and_search_together()
    {
        using var api = new ApiSession(fixture);
        var (wrong, right) = (UniqueWord(), UniqueWord());
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, $"And so my fellow {wrong}", (0.0, 3.5, "And so"), (3.5, 6.0, $"my fellow {wrong}"));

        using var patch = await PatchAsync(api, owner.Access, id, 1, new { text = $"  my fellow {right} " });
        var corrected = await ApiSession.ReadObjectAsync(patch);
        using var chunks = await api.GetAsync($"/api/v1/transcriptions/{id}/chunks", owner.Access);
        using var txt = await api.GetAsync($"/api/v1/transcriptions/{id}/export?format=txt", owner.Access);
        var exported = await txt.Content.ReadAsStringAsync(ApiSession.Cancellation);

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal((0, 1, 3.5, 6.0, $"my fellow {right}"),
            (corrected["chunk_no"]!.GetValue<int>(), corrected["segment_no"]!.GetValue<int>(), corrected["start"]!.GetValue<double>(), corrected["end"]!.GetValue<double>(), corrected["text"]!.GetValue<string>()));
        Assert.Equal($"And so my fellow {right}", (await ApiSession.ReadObjectAsync(chunks))["transcriptions"]![0]!["transcription"]!.GetValue<string>());
        Assert.Contains($"my fellow {right}", exported, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, exported, StringComparison.Ordinal);
        Assert.Equal(1, (await SearchOkAsync(api, owner, right))["total"]!.GetValue<int>());
        Assert.Equal(0, (await SearchOkAsync(api, owner, wrong))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Only_the_owner_may_correct_and_bad_input_is_422_and_changes_nothing()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, "original", (0.0, 1.0, "original"));
        var (_, _, stranger) = await api.NewUserAsync();

        using var foreign = await PatchAsync(api, stranger.Access, id, 0, new { text = "stolen" });
        using var anonymous = await api.SendAsync(HttpMethod.Patch, $"/api/v1/transcriptions/{id}/segments/0", JsonContent.Create(new { text = "x" }));
        using var beyond = await PatchAsync(api, owner.Access, id, 1, new { text = "nothing there" });
        using var negative = await PatchAsync(api, owner.Access, id, -1, new { text = "x" });
        using var blank = await PatchAsync(api, owner.Access, id, 0, new { text = "   " });
        using var missing = await PatchAsync(api, owner.Access, id, 0, new { });
        using var tooLong = await PatchAsync(api, owner.Access, id, 0, new { text = new string('a', 2001) });
        using var notJson = await api.SendAsync(HttpMethod.Patch, $"/api/v1/transcriptions/{id}/segments/0", new StringContent("{", System.Text.Encoding.UTF8, "application/json"), owner.Access);
        using var segments = await api.GetAsync($"/api/v1/transcriptions/{id}/segments", owner.Access);

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("application/problem+json", foreign.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, beyond.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, negative.StatusCode); // a segment number is plain digits: "-1" names no segment route
        Assert.Equal(HttpStatusCode.UnprocessableEntity, blank.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.True(notJson.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"malformed JSON: {(int)notJson.StatusCode}");
        Assert.Equal("original", (await ApiSession.ReadObjectAsync(segments))["segments"]![0]!["text"]!.GetValue<string>());
    }

    private static Task<HttpResponseMessage> PatchAsync(ApiSession api, string accessToken, int id, int n, object body) =>
        api.SendAsync(HttpMethod.Patch, $"/api/v1/transcriptions/{id}/segments/{n}", JsonContent.Create(body, options: ApiSession.Json), accessToken);
}
