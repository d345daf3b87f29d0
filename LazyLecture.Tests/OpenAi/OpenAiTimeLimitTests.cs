using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using OpenAI.Audio;
using Xunit;

namespace LazyLecture.Tests.OpenAi;

/// <summary>The in-process API (no worker takes its jobs) whose OpenAI-compatible calls may wait only a few seconds.</summary>
public sealed class OpenAiTimeLimitFixture(AppHostFixture shared) : InProcessApiFixture(shared)
{
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(3);

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [new("OpenAi:ResponseTimeout", ResponseTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture))];
}

/// <summary>What a call gets when its transcription, or its turn, does not come within the time limit.</summary>
public sealed class OpenAiTimeLimitTests(OpenAiTimeLimitFixture application) : IClassFixture<OpenAiTimeLimitFixture>
{
    [Fact]
    public async Task A_call_past_the_time_limit_gets_409_naming_the_transcription_which_goes_on()
    {
        using var api = new ApiSession(application);
        var (_, tokens) = await api.NewUploaderAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => api.OpenAiClient(key).GetAudioClient("whisper-1")
            .TranscribeAudioAsync(new MemoryStream(TranscriptionClient.Jfk), "jfk.wav", cancellationToken: ApiSession.Cancellation));

        Assert.Equal(409, refused.Status);
        using var list = await api.GetAsync("/api/v1/transcriptions", tokens.Access);
        var listed = Assert.Single((await ApiSession.ReadObjectAsync(list))["transcriptions"]!.AsArray())!;
        Assert.Contains($"/api/v1/transcriptions/{listed["id"]!.GetValue<int>()}", refused.Message, StringComparison.Ordinal);
        Assert.Equal("queued", listed["current_state"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_call_whose_turn_does_not_come_within_the_limit_gets_429_with_retry_after_and_keeps_nothing()
    {
        using var api = new ApiSession(application);
        var (_, tokens) = await api.NewUploaderAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);
        var running = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk); // the user's one active job, never picked up here

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(TranscriptionClient.Jfk);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "file", "jfk.wav");
        form.Add(new StringContent("whisper-1"), "model");
        using var response = await api.SendAsync(HttpMethod.Post, "/v1/audio/transcriptions", form, key);

        var body = await response.Content.ReadAsStringAsync(ApiSession.Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, body);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
        var error = JsonNode.Parse(body)!["error"]!;
        Assert.Equal("rate_limit_exceeded", error["code"]!.GetValue<string>());
        Assert.Contains($"transcription {running}", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        using var list = await api.GetAsync("/api/v1/transcriptions", tokens.Access);
        Assert.Equal(1, (await ApiSession.ReadObjectAsync(list))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_stream_past_the_time_limit_ends_with_an_error_event()
    {
        using var api = new ApiSession(application);
        var (_, tokens) = await api.NewUploaderAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);

        var events = new List<JsonNode>();
#pragma warning disable OPENAI001 // streaming transcription is marked experimental in the SDK
        await using var stream = await api.OpenAiClient(key).GetAudioClient("gpt-4o-transcribe").TranscribeAudioStreamingAsync(
            new MemoryStream(TranscriptionClient.Jfk), "jfk.wav", cancellationToken: ApiSession.Cancellation);
        await foreach (var update in stream)
        {
            events.Add(JsonNode.Parse(System.ClientModel.Primitives.ModelReaderWriter.Write(update).ToString())!);
        }
#pragma warning restore OPENAI001

        var last = Assert.Single(events);
        Assert.Equal("error", last["type"]!.GetValue<string>());
        Assert.Equal("transcription_timeout", last["error"]!["code"]!.GetValue<string>());
    }
}
