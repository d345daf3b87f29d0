using System.Net;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.Transcriptions;

/// <summary>Another user's transcription does not exist for you, on every route (the original let anyone read anyone's).</summary>
public sealed class OwnershipTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task Every_route_returns_404_for_another_users_transcription()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, "private words", (0, 1, "private words"));
        var (_, _, stranger) = await api.NewUserAsync();

        (HttpMethod Method, string Path)[] routes =
        [
            (HttpMethod.Get, $"/api/v1/transcriptions/{id}"),
            (HttpMethod.Get, $"/api/v1/transcriptions/{id}/chunks"),
            (HttpMethod.Get, $"/api/v1/transcriptions/{id}/segments"),
            (HttpMethod.Get, $"/api/v1/transcriptions/{id}/events"),
            (HttpMethod.Get, $"/api/v1/transcriptions/{id}/export?format=txt"),
            (HttpMethod.Get, $"/api/v1/transcriptions/{id}/export?format=docx"),
            (HttpMethod.Get, $"/api/v1/transcriptions/{id}/export?format=srt"),
            (HttpMethod.Post, $"/api/v1/transcriptions/{id}/cancel"),
            (HttpMethod.Delete, $"/api/v1/transcriptions/{id}"),
            (HttpMethod.Get, $"/transcript?task_id={id}"),
            (HttpMethod.Post, $"/transcript/export?task_id={id}&format=txt"),
            (HttpMethod.Post, $"/transcript/cancel?transcript_id={id}"),
            (HttpMethod.Get, $"/transcript/info?transcript_id={id}"),
        ];

        foreach (var (method, path) in routes)
        {
            using var response = await api.SendAsync(method, path, null, stranger.Access);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
        }

        using var list = await api.GetAsync("/api/v1/transcriptions", stranger.Access);
        Assert.Equal(0, (await ApiSession.ReadObjectAsync(list))["total"]!.GetValue<int>());
        var still = await api.GetTranscriptionAsync(owner.Access, id);
        Assert.Equal("in_progress", still["current_state"]!.GetValue<string>());
    }
}
