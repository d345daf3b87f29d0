using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using OpenAI.Audio;
using Xunit;

namespace LazyLecture.Tests.OpenAi;

/// <summary>
/// The OpenAI-compatible routes' refusals and model list, on the suite's shared application (whose worker takes no jobs:
/// nothing here needs a transcription to finish). Every refusal must come in OpenAI's error shape and create nothing.
/// </summary>
public sealed class OpenAiErrorTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task Models_lists_the_configured_model_and_openais_names_for_it()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);

        var models = (await api.OpenAiClient(key).GetOpenAIModelClient().GetModelsAsync(ApiSession.Cancellation)).Value;

        var ids = models.Select(m => m.Id).ToList();
        Assert.Equal("base.en", ids[0]);
        Assert.Contains("whisper-1", ids);
        Assert.Contains("gpt-4o-transcribe", ids);
    }

    [Fact]
    public async Task A_revoked_key_gets_401_in_openais_error_shape()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();
        var (id, key) = await api.CreateApiKeyAsync(tokens.Access);
        using (var revoke = await api.SendAsync(HttpMethod.Delete, $"/api/v1/users/me/api-keys/{id}", null, tokens.Access))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        var refused = await Assert.ThrowsAsync<ClientResultException>(() =>
            api.OpenAiClient(key).GetAudioClient("whisper-1").TranscribeAudioAsync(new MemoryStream(TranscriptionClient.Jfk), "jfk.wav", cancellationToken: ApiSession.Cancellation));
        Assert.Equal(401, refused.Status);

        using var raw = await api.GetAsync("/v1/models", key);
        var error = await ErrorAsync(raw, HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal("invalid_api_key", error["code"]!.GetValue<string>());
        Assert.True(error.ContainsKey("param"));
    }

    [Fact]
    public async Task A_call_without_credentials_gets_401_in_openais_error_shape()
    {
        using var api = new ApiSession(fixture);

        using var response = await api.GetAsync("/v1/models");

        Assert.Equal("invalid_api_key", (await ErrorAsync(response, HttpStatusCode.Unauthorized))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_file_that_is_not_audio_is_refused_with_400_and_creates_nothing()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => api.OpenAiClient(key).GetAudioClient("whisper-1")
            .TranscribeAudioAsync(new MemoryStream(Encoding.UTF8.GetBytes("This is a text file, not a recording.\n")), "notes.mp3", cancellationToken: ApiSession.Cancellation));
        Assert.Equal(400, refused.Status);

        using var raw = await PostAudioAsync(api, key, Encoding.UTF8.GetBytes("%PDF-1.7 not audio at all"), ("model", "whisper-1"));
        Assert.Equal("invalid_request_error", (await ErrorAsync(raw, HttpStatusCode.BadRequest))["type"]!.GetValue<string>());
        using var list = await api.GetAsync("/api/v1/transcriptions", key);
        Assert.Equal(0, (await ApiSession.ReadObjectAsync(list))["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("model", "no-such-model", "model", "model_not_found")]
    [InlineData("response_format", "docx", "response_format", "invalid_value")]
    [InlineData("temperature", "1.5", "temperature", "invalid_value")]
    [InlineData("language", "english", "language", "invalid_value")]
    [InlineData("timestamp_granularities[]", "word", "timestamp_granularities", "invalid_value")]
    [InlineData("chunking_strategy", "loudness", "chunking_strategy", "invalid_value")]
    [InlineData("chunking_strategy", "{\"type\":\"server_vad\",\"threshold\":1.5}", "chunking_strategy", "invalid_value")]
    [InlineData("chunking_strategy", "{\"type\":\"semantic_vad\"}", "chunking_strategy", "invalid_value")]
    public async Task An_invalid_parameter_is_a_400_that_names_it(string field, string value, string param, string code)
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);
        (string, string)[] fields = field == "model" ? [(field, value)] : [("model", "whisper-1"), (field, value)];

        using var response = await PostAudioAsync(api, key, TranscriptionClient.Jfk, fields);

        var error = await ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(param, error["param"]!.GetValue<string>());
        Assert.Equal(code, error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Audio_shorter_than_a_tenth_of_a_second_is_refused_as_too_short()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);
        var scratch = Directory.CreateTempSubdirectory("lazylecture-openai-").FullName;
        var blip = File.ReadAllBytes(await TestAudio.GenerateAsync(scratch, "blip.wav", 0.05, ["-ac", "1"]));
        Directory.Delete(scratch, true);

        using var response = await PostAudioAsync(api, key, blip, ("model", "whisper-1"));

        Assert.Equal("audio_too_short", (await ErrorAsync(response, HttpStatusCode.BadRequest))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Translation_with_an_english_only_model_is_refused()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => api.OpenAiClient(key).GetAudioClient("whisper-1")
            .TranslateAudioAsync(new MemoryStream(TranscriptionClient.Jfk), "jfk.wav", cancellationToken: ApiSession.Cancellation));

        Assert.Equal(400, refused.Status);
        Assert.Contains("English only", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_not_yet_allowed_to_upload_gets_403_in_openais_error_shape()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);

        using var response = await PostAudioAsync(api, key, TranscriptionClient.Jfk, ("model", "whisper-1"));

        Assert.Equal("permission_denied", (await ErrorAsync(response, HttpStatusCode.Forbidden))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Routes_outside_v1_keep_problem_details()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);

        using var response = await api.GetAsync("/api/v1/transcriptions/999999", key);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<HttpResponseMessage> PostAudioAsync(ApiSession api, string key, byte[] audio, params (string Name, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(audio);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "audio.wav");
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return await api.SendAsync(HttpMethod.Post, "/v1/audio/transcriptions", form, key);
    }

    /// <summary>Asserts the status and OpenAI's shape, and returns the <c>error</c> object.</summary>
    private static async Task<JsonObject> ErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(ApiSession.Cancellation);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonNode.Parse(text)!["error"]!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        Assert.NotNull(error["type"]);
        return error;
    }
}
