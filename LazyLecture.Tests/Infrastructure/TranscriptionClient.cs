using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LazyLecture.Contracts;
using Xunit;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>Uploads and worker calls used by the transcription tests, over the real API.</summary>
public static class TranscriptionClient
{
    /// <summary>A new user whom the administrator allowed to upload.</summary>
    public static async Task<(int Id, Tokens Tokens)> NewUploaderAsync(this ApiSession api)
    {
        var (id, _, tokens) = await api.NewUserAsync();
        await api.AllowUploadsAsync(id);
        return (id, tokens);
    }

    /// <summary>The administrator allows a user to upload (can_interact).</summary>
    public static async Task AllowUploadsAsync(this ApiSession api, int userId)
    {
        var admin = await api.LoginAsAdminAsync();
        using var grant = await api.SendAsync(HttpMethod.Patch, $"/api/v1/users/{userId}", JsonContent.Create(new { can_interact = true }, options: ApiSession.Json), admin.Access);
        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
    }

    public static async Task<HttpResponseMessage> UploadAsync(this ApiSession api, string accessToken, byte[] content, string fileName = "lecture.wav",
        string contentType = "audio/wav", string path = "/api/v1/transcriptions", string field = "audiofile")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, field, fileName);
        return await api.SendAsync(HttpMethod.Post, path, form, accessToken);
    }

    /// <summary>Uploads a file (to <paramref name="path"/>, which may carry upload options) and asserts 201; returns the new transcription's id.</summary>
    public static async Task<int> UploadOkAsync(this ApiSession api, string accessToken, byte[] content, string path = "/api/v1/transcriptions")
    {
        using var response = await api.UploadAsync(accessToken, content, path: path);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ApiSession.Cancellation)}");
        return (await ApiSession.ReadObjectAsync(response))["id"]!.GetValue<int>();
    }

    public static byte[] Jfk => File.ReadAllBytes(SharedAssets.Require("audio/jfk.wav"));

    /// <summary>Calls a worker endpoint with the worker key (as the worker does).</summary>
    public static Task<HttpResponseMessage> WorkerAsync(this ApiSession api, HttpMethod method, string path, object? body = null, string? key = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, options: ApiSession.Json) };
        request.Headers.Add("X-Worker-Key", key ?? api.Host.Parameter(ResourceNames.WorkerApiKey));
        return api.Http.SendAsync(request, ApiSession.Cancellation);
    }

    public static async Task<JsonObject> ReportStateAsync(this ApiSession api, int id, string state, string? error = null)
    {
        using var response = await api.WorkerAsync(HttpMethod.Post, $"/internal/v1/transcriptions/{id}/state", new { state, error });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"state {state}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ApiSession.Cancellation)}");
        return await ApiSession.ReadObjectAsync(response);
    }

    public static async Task SaveChunkAsync(this ApiSession api, int id, int chunkNo, string text, params (double Start, double End, string Text)[] segments)
    {
        using var response = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/{chunkNo}",
            new { text, segments = segments.Select(s => new { start = s.Start, end = s.End, text = s.Text }) });
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"chunk {chunkNo}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ApiSession.Cancellation)}");
    }

    public static async Task<JsonObject> GetTranscriptionAsync(this ApiSession api, string accessToken, int id)
    {
        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}", accessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ApiSession.ReadObjectAsync(response);
    }
}
