using System.Net;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.Transcriptions;

/// <summary>The original's transcription routes answer with its documented shapes (API.md of lazy-lecture).</summary>
public sealed class TranscriptionCompatibilityTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    private static readonly string[] TranscriptionFields =
        ["id", "creator_id", "audio_len_secs", "chunk_size_secs", "current_state", "create_date", "update_date", "description", "error_count"];

    private static readonly string[] PageFields = ["page", "size", "total", "pages", "transcriptions"];

    [Fact]
    public async Task Original_routes_return_the_original_shapes()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();

        using var upload = await api.UploadAsync(tokens.Access, TranscriptionClient.Jfk, path: "/upload-audiofile");
        var accepted = await ApiSession.ReadObjectAsync(upload);
        var id = accepted["task_id"]!.GetValue<int>();
        await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, "ask not what your country can do for you");

        using var list = await api.GetAsync("/transcriptions?page=1&size=10", tokens.Access);
        var page = await ApiSession.ReadObjectAsync(list);
        using var transcript = await api.GetAsync($"/transcript?task_id={id}&page=1&size=10", tokens.Access);
        var chunks = await ApiSession.ReadObjectAsync(transcript);
        using var info = await api.GetAsync($"/transcript/info?transcript_id={id}", tokens.Access);
        using var export = await api.SendAsync(HttpMethod.Post, $"/transcript/export?task_id={id}&format=doc", null, tokens.Access);
        using var cancel = await api.SendAsync(HttpMethod.Post, $"/transcript/cancel?transcript_id={id}", null, tokens.Access);
        using var health = await api.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Equal(["message", "task_id", "file"], accepted.Select(p => p.Key));
        Assert.DoesNotContain("/", accepted["file"]!.GetValue<string>()); // no server path, unlike the original
        Assert.Equal(PageFields, page.Select(p => p.Key));
        Assert.Equal(TranscriptionFields, page["transcriptions"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(PageFields, chunks.Select(p => p.Key));
        Assert.Equal(["id", "chunk_order", "chunk_size_secs", "transcription"], chunks["transcriptions"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(TranscriptionFields, (await ApiSession.ReadObjectAsync(info)).Select(p => p.Key));
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("OK", await cancel.Content.ReadAsStringAsync(ApiSession.Cancellation));
        var healthBody = await ApiSession.ReadObjectAsync(health);
        Assert.True(healthBody["api"]!.GetValue<bool>());
        Assert.True(healthBody["database"]!.GetValue<bool>());
    }
}
