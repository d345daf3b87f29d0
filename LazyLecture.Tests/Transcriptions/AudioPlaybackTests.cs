using System.Net;
using System.Net.Http.Headers;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Transcriptions;

/// <summary><c>GET /api/v1/transcriptions/{id}/audio</c>: the owner's recording for a player, with HTTP range requests.</summary>
public sealed class AudioPlaybackTests(AppHostFixture fixture)
{
    [Fact]
    public async Task The_owner_gets_the_recording_as_uploaded_and_any_byte_range_of_it()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var uploaded = TranscriptionClient.Jfk;
        var id = await api.UploadOkAsync(owner.Access, uploaded);

        using var whole = await api.GetAsync($"/api/v1/transcriptions/{id}/audio", owner.Access);
        using var range = await GetRangeAsync(api, owner.Access, id, new RangeItemHeaderValue(1000, 1999));
        using var tail = await GetRangeAsync(api, owner.Access, id, new RangeItemHeaderValue(null, 500));
        using var beyond = await GetRangeAsync(api, owner.Access, id, new RangeItemHeaderValue(uploaded.Length + 10, null));

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("audio/wav", whole.Content.Headers.ContentType?.MediaType);
        Assert.Contains("bytes", whole.Headers.AcceptRanges);
        Assert.Equal(uploaded, await whole.Content.ReadAsByteArrayAsync(ApiSession.Cancellation));
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal($"bytes 1000-1999/{uploaded.Length}", range.Content.Headers.ContentRange?.ToString());
        Assert.Equal(uploaded[1000..2000], await range.Content.ReadAsByteArrayAsync(ApiSession.Cancellation));
        Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
        Assert.Equal(uploaded[^500..], await tail.Content.ReadAsByteArrayAsync(ApiSession.Cancellation));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
    }

    [Fact]
    public async Task Another_user_gets_404_and_no_token_gets_401()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        var (_, _, stranger) = await api.NewUserAsync();

        using var foreign = await GetRangeAsync(api, stranger.Access, id, new RangeItemHeaderValue(0, 99));
        using var anonymous = await api.GetAsync($"/api/v1/transcriptions/{id}/audio");
        using var unknown = await api.GetAsync($"/api/v1/transcriptions/{int.MaxValue}/audio", owner.Access);

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("application/problem+json", foreign.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("x.html")]
    [InlineData("x.svg")]
    [InlineData("evil\u202Evaw.exe")]
    [InlineData("..\\..\\evil.html")]
    public async Task The_recording_is_served_as_its_probed_audio_type_with_a_safe_file_name(string uploadedName)
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        using var upload = await api.UploadAsync(owner.Access, TranscriptionClient.Jfk, uploadedName);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var id = (await ApiSession.ReadObjectAsync(upload))["id"]!.GetValue<int>();

        using var audio = await api.GetAsync($"/api/v1/transcriptions/{id}/audio", owner.Access);

        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal("audio/wav", audio.Content.Headers.ContentType?.MediaType);
        var disposition = audio.Content.Headers.ContentDisposition;
        Assert.NotNull(disposition);
        Assert.NotNull(disposition.FileName);
        Assert.NotNull(disposition.FileNameStar);
        foreach (var name in new[] { disposition.FileName.Trim('"'), disposition.FileNameStar })
        {
            Assert.DoesNotContain(name, c => char.IsControl(c) || c is '\u202E' or '\u202D' or '\u200E' or '\u200F' or '"' or '/' or '\\');
            Assert.EndsWith(".wav", name, StringComparison.Ordinal);
        }
    }

    private static Task<HttpResponseMessage> GetRangeAsync(ApiSession api, string accessToken, int id, RangeItemHeaderValue range)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/transcriptions/{id}/audio");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Range = new RangeHeaderValue { Unit = "bytes", Ranges = { range } };
        return api.Http.SendAsync(request, ApiSession.Cancellation);
    }
}
