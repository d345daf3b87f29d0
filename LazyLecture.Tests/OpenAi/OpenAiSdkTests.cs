using System.Net;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Worker;
using LazyLecture.Whisper.Audio;
using Microsoft.Extensions.AI;
using OpenAI.Audio;
using Whisper.net;
using Xunit;

namespace LazyLecture.Tests.OpenAi;

/// <summary>
/// The official OpenAI .NET SDK (and Microsoft.Extensions.AI's speech-to-text client on it) against LazyLecture with a
/// personal API key, end to end: each call is a real transcription by the worker's Whisper engine, whose text and timings
/// must be exactly whisper.cpp's for the model and the recording.
/// </summary>
[Collection(nameof(WhisperPipeline))]
public sealed class OpenAiSdkTests(WhisperPipelineFixture pipeline)
{
    private static readonly TimeSpan Jfk = TimeSpan.FromSeconds(11);

    /// <summary>whisper.cpp's segments for jfk.wav with the language given as English, and with it detected.</summary>
    /// <summary>
    /// A jfk.wav golden's segments as the service reports them: whisper.cpp ends the window's last segment at the window's
    /// last timestamp (30 s); the service ends no segment after the recording (11 s).
    /// </summary>
    private static async Task<List<(double Start, double End, string Text)>> GoldenAsync(string name)
    {
        var golden = JsonNode.Parse(await File.ReadAllTextAsync(SharedAssets.Require($"models/golden/{name}.json"), ApiSession.Cancellation))!["transcription"]!.AsArray();
        return [.. golden.Select(s => (s!["offsets"]!["from"]!.GetValue<int>() / 1000.0, Math.Min(s["offsets"]!["to"]!.GetValue<int>() / 1000.0, Jfk.TotalSeconds), s["text"]!.GetValue<string>().Trim()))];
    }

    /// <summary>whisper.cpp's text token ids of each segment (it lists no timestamp or other special token).</summary>
    private static async Task<List<int[]>> GoldenTokenIdsAsync(string name)
    {
        var golden = JsonNode.Parse(await File.ReadAllTextAsync(SharedAssets.Require($"models/golden/{name}.json"), ApiSession.Cancellation))!["transcription"]!.AsArray();
        return [.. golden.Select(s => s!["tokens"]!.AsArray().Select(t => t!["id"]!.GetValue<int>()).ToArray())];
    }

    /// <summary>The multilingual vocabulary's end of text: the ids from here on are special and timestamp tokens.</summary>
    private const int MultilingualEndOfText = 50257;

    private const int MultilingualFirstTimestamp = 50364;

    private static string TextOf(List<(double Start, double End, string Text)> segments) => string.Join(' ', segments.Select(s => s.Text));

    /// <summary>jfk.wav in English as <c>verbose_json</c> through the SDK, with <paramref name="prompt"/> when given.</summary>
    private static async Task<AudioTranscription> VerboseJfkAsync(ApiSession api, string key, AudioTimestampGranularities granularities, string? prompt = null) =>
        (await api.OpenAiClient(key).GetAudioClient(WhisperPipelineFixture.ModelName).TranscribeAudioAsync(
            new MemoryStream(TranscriptionClient.Jfk), "jfk.wav",
            new AudioTranscriptionOptions
            {
                Language = "en",
                Prompt = prompt,
                ResponseFormat = AudioTranscriptionFormat.Verbose,
                TimestampGranularities = granularities,
            },
            ApiSession.Cancellation)).Value;

    private async Task<(ApiSession Api, string Key, string Access)> NewCallerAsync()
    {
        var api = new ApiSession(pipeline.AsFixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);
        return (api, key, tokens.Access);
    }

    [Fact]
    public async Task Json_returns_the_recordings_text()
    {
        var golden = await GoldenAsync("micro-ml-jfk-en-greedy");
        var (api, key, _) = await NewCallerAsync();
        using var _ = api;

        var result = await api.OpenAiClient(key).GetAudioClient("whisper-1").TranscribeAudioAsync(
            new MemoryStream(TranscriptionClient.Jfk), "jfk.wav", new AudioTranscriptionOptions { Language = "en" }, ApiSession.Cancellation);

        Assert.Equal(TextOf(golden), result.Value.Text);
    }

    [Fact]
    public async Task Verbose_json_has_language_duration_segments_with_timings_and_words()
    {
        var golden = await GoldenAsync("micro-ml-jfk-en-greedy");
        var (api, key, _) = await NewCallerAsync();
        using var _ = api;

        var result = await VerboseJfkAsync(api, key, AudioTimestampGranularities.Segment | AudioTimestampGranularities.Word);

        Assert.Equal("english", result.Language);
        Assert.Equal(Jfk.TotalSeconds, result.Duration!.Value.TotalSeconds, 0.1);
        Assert.Equal(TextOf(golden), result.Text);
        Assert.Equal(golden.Count, result.Segments.Count);
        for (var i = 0; i < golden.Count; i++)
        {
            Assert.Equal(i, result.Segments[i].Id);
            Assert.Equal(golden[i].Text, result.Segments[i].Text);
            Assert.Equal(golden[i].Start, result.Segments[i].StartTime.TotalSeconds, 0.005);
            Assert.Equal(golden[i].End, result.Segments[i].EndTime.TotalSeconds, 0.005);
        }

        // The decoder's statistics, as OpenAI gives them: whisper.cpp's text tokens between the segment's timestamp tokens,
        // and the figures of the one window (jfk is 11 s) at temperature 0. A field left out would read as 0 here.
        var goldenTokens = await GoldenTokenIdsAsync("micro-ml-jfk-en-greedy");
        for (var i = 0; i < golden.Count; i++)
        {
            var segment = result.Segments[i];
            var tokens = segment.TokenIds.ToArray();
            Assert.Equal(goldenTokens[i], tokens.Where(id => id < MultilingualEndOfText));
            // (this degenerate window, decoded without fall-back, sampled no timestamp token; any other id is a timestamp)
            Assert.All(tokens.Where(id => id >= MultilingualEndOfText), id => Assert.True(id >= MultilingualFirstTimestamp, $"token {id}"));
            Assert.Equal(0, segment.SeekOffset);
            Assert.Equal(0f, segment.Temperature);
            Assert.InRange(segment.AverageLogProbability, -30, -1e-6);
            Assert.InRange(segment.CompressionRatio, 0.5, 100);
            Assert.InRange(segment.NoSpeechProbability, 1e-12, 1);
        }

        // Word timings are the stored segments' words: in order, each inside the span the segments cover.
        Assert.NotEmpty(result.Words);
        var spanEnd = result.Segments.Max(s => s.EndTime) + TimeSpan.FromMilliseconds(10);
        Assert.All(result.Words, w => Assert.True(w.StartTime >= TimeSpan.Zero && w.StartTime <= w.EndTime && w.EndTime <= spanEnd, $"word '{w.Word}' {w.StartTime}-{w.EndTime}"));
        Assert.Equal(result.Words.OrderBy(w => w.StartTime).Select(w => w.StartTime), result.Words.Select(w => w.StartTime));
    }

    [Fact]
    public async Task A_prompt_conditions_the_decode_as_whisper_cpps_initial_prompt_does()
    {
        const string prompt = "Ask not what your country can do for you; ask what you can do for your country.";
        var (api, key, _) = await NewCallerAsync();
        using var _ = api;

        var result = await VerboseJfkAsync(api, key, AudioTimestampGranularities.Segment, prompt);

        // whisper.cpp on the worker's model, audio and decoding settings with the same initial prompt, here through Whisper.net
        var expected = new List<int>();
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/jfk.wav"), ApiSession.Cancellation);
        using (var factory = WhisperFactory.FromPath(SharedAssets.Require("models/synthetic-micro.bin")))
        await using (var processor = factory.CreateBuilder().WithThreads(2).WithLanguage("en").WithTemperatureInc(0)
            .WithGreedySamplingStrategy(greedy => greedy.WithBestOf(1)).WithPrompt(prompt).Build())
        {
            await foreach (var segment in processor.ProcessAsync(samples, ApiSession.Cancellation))
            {
                expected.AddRange(segment.Tokens.Select(t => t.Id));
            }
        }

        Assert.Equal(expected, result.Segments.SelectMany(s => s.TokenIds.ToArray()));
        // without the prompt the worker decodes whisper.cpp's golden text
        Assert.NotEqual(TextOf(await GoldenAsync("micro-ml-jfk-en-greedy")), result.Text);
    }

    [Fact]
    public async Task Without_a_language_the_worker_detects_it()
    {
        var golden = await GoldenAsync("micro-ml-jfk-auto-greedy");
        var (api, key, _) = await NewCallerAsync();
        using var _ = api;

        var result = await api.OpenAiClient(key).GetAudioClient("whisper-1").TranscribeAudioAsync(new MemoryStream(TranscriptionClient.Jfk), "jfk.wav", cancellationToken: ApiSession.Cancellation);

        Assert.Equal(TextOf(golden), result.Value.Text);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("srt")]
    [InlineData("vtt")]
    public async Task Text_and_subtitle_formats_come_as_text(string format)
    {
        var golden = await GoldenAsync("micro-ml-jfk-en-greedy");
        var (api, key, _) = await NewCallerAsync();
        using var _ = api;

        var result = (await api.OpenAiClient(key).GetAudioClient("whisper-1").TranscribeAudioAsync(
            new MemoryStream(TranscriptionClient.Jfk), "jfk.wav",
            new AudioTranscriptionOptions { Language = "en", ResponseFormat = new AudioTranscriptionFormat(format) }, ApiSession.Cancellation)).Value;

        switch (format)
        {
            case "text":
                Assert.Equal(TextOf(golden) + "\n", result.Text);
                break;
            case "srt":
                Assert.StartsWith($"1\n{Srt(golden[0].Start)} --> {Srt(golden[0].End)}\n{golden[0].Text}\n", result.Text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
                break;
            default:
                Assert.StartsWith("WEBVTT", result.Text, StringComparison.Ordinal);
                Assert.Contains($"{Srt(golden[0].Start).Replace(',', '.')} --> {Srt(golden[0].End).Replace(',', '.')}\n{golden[0].Text}", result.Text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
                break;
        }
    }

    private static string Srt(double seconds) => TimeSpan.FromSeconds(seconds).ToString(@"hh\:mm\:ss\,fff", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Streaming_sends_deltas_then_done_with_the_whole_text()
    {
        var golden = await GoldenAsync("micro-ml-jfk-en-greedy");
        var (api, key, _) = await NewCallerAsync();
        using var _ = api;

        var deltas = new List<string>();
        string? done = null;
#pragma warning disable OPENAI001 // streaming transcription is marked experimental in the SDK
        await using var stream = await api.OpenAiClient(key).GetAudioClient("gpt-4o-transcribe").TranscribeAudioStreamingAsync(
            new MemoryStream(TranscriptionClient.Jfk), "jfk.wav", new AudioTranscriptionOptions { Language = "en" }, ApiSession.Cancellation);
        await foreach (var update in stream)
        {
            switch (update)
            {
                case StreamingAudioTranscriptionTextDeltaUpdate delta:
                    Assert.Null(done);
                    deltas.Add(delta.Delta);
                    break;
                case StreamingAudioTranscriptionTextDoneUpdate finished:
                    done = finished.Text;
                    break;
            }
        }
#pragma warning restore OPENAI001

        Assert.NotEmpty(deltas);
        Assert.Equal(TextOf(golden), done);
        Assert.Equal(done, string.Concat(deltas));
    }

    [Fact]
    public async Task Translation_runs_the_translate_task_and_answers_in_english()
    {
        var (api, key, access) = await NewCallerAsync();
        using var _ = api;

        var call = await api.OpenAiClient(key).GetAudioClient("whisper-1").TranslateAudioAsync(
            new MemoryStream(TranscriptionClient.Jfk), "jfk.wav", new AudioTranslationOptions { ResponseFormat = AudioTranslationFormat.Verbose }, ApiSession.Cancellation);
        var result = call.Value;

        Assert.Equal("translate", JsonNode.Parse(call.GetRawResponse().Content.ToString())!["task"]!.GetValue<string>());
        Assert.Equal("english", result.Language);
        Assert.False(string.IsNullOrWhiteSpace(result.Text));
        // It is an ordinary transcription of the caller: listed, with the same text.
        using var list = await api.GetAsync("/api/v1/transcriptions", access);
        var listed = Assert.Single((await ApiSession.ReadObjectAsync(list))["transcriptions"]!.AsArray())!;
        using var export = await api.GetAsync($"/api/v1/transcriptions/{listed["id"]!.GetValue<int>()}/export?format=txt", access);
        // The export adds the chapter headings ("00:00 Title") above the text.
        Assert.EndsWith(result.Text, await export.Content.ReadAsStringAsync(ApiSession.Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Speech_to_text_client_of_microsoft_extensions_ai_gets_the_text_and_timings()
    {
        var golden = await GoldenAsync("micro-ml-jfk-en-greedy");
        var (api, key, _) = await NewCallerAsync();
        using var _ = api;
#pragma warning disable MEAI001 // the speech-to-text abstraction is marked experimental
        using var speechToText = api.OpenAiClient(key).GetAudioClient("whisper-1").AsISpeechToTextClient();

        var response = await speechToText.GetTextAsync(new MemoryStream(TranscriptionClient.Jfk), new SpeechToTextOptions
        {
            SpeechLanguage = "en",
            // The SDK's own options underneath: verbose_json carries the segments the start and end times come from.
            RawRepresentationFactory = _ => new AudioTranscriptionOptions { ResponseFormat = AudioTranscriptionFormat.Verbose },
        }, ApiSession.Cancellation);

        Assert.Equal(TextOf(golden), response.Text);
        Assert.Equal(golden[0].Start, response.StartTime!.Value.TotalSeconds, 0.005);
        Assert.Equal(golden[^1].End, response.EndTime!.Value.TotalSeconds, 0.005);
    }
#pragma warning restore MEAI001

    [Fact]
    public async Task Short_audio_below_the_lecture_minimum_is_transcribed()
    {
        var (api, key, _) = await NewCallerAsync();
        using var _ = api;

        var result = (await api.OpenAiClient(key).GetAudioClient("whisper-1").TranscribeAudioAsync(
            new MemoryStream(File.ReadAllBytes(SharedAssets.Require("audio/LDC93S1.wav"))), "LDC93S1.wav",
            new AudioTranscriptionOptions { ResponseFormat = AudioTranscriptionFormat.Verbose }, ApiSession.Cancellation)).Value;

        Assert.Equal(2.9, result.Duration!.Value.TotalSeconds, 0.1);
        Assert.False(string.IsNullOrWhiteSpace(result.Text));
    }

    [Fact]
    public async Task Concurrent_calls_of_one_user_wait_their_turn_and_all_succeed()
    {
        var golden = await GoldenAsync("micro-ml-jfk-en-greedy");
        var (api, key, access) = await NewCallerAsync();
        using var _ = api;
        var audio = api.OpenAiClient(key).GetAudioClient("whisper-1");

        var calls = Enumerable.Range(0, 3).Select(_ => audio.TranscribeAudioAsync(
            new MemoryStream(TranscriptionClient.Jfk), "jfk.wav", new AudioTranscriptionOptions { Language = "en" }, ApiSession.Cancellation)).ToList();
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal(TextOf(golden), r.Value.Text));
        using var list = await api.GetAsync("/api/v1/transcriptions?state=completed", access);
        Assert.Equal(3, (await ApiSession.ReadObjectAsync(list))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Another_users_key_never_sees_the_transcription()
    {
        var (owner, ownerKey, ownerAccess) = await NewCallerAsync();
        var (stranger, strangerKey, _) = await NewCallerAsync();
        using var _ = owner;
        using var __ = stranger;

        await owner.OpenAiClient(ownerKey).GetAudioClient("whisper-1").TranscribeAudioAsync(
            new MemoryStream(TranscriptionClient.Jfk), "jfk.wav", new AudioTranscriptionOptions { Language = "en" }, ApiSession.Cancellation);
        using var ownList = await owner.GetAsync("/api/v1/transcriptions", ownerAccess);
        var id = Assert.Single((await ApiSession.ReadObjectAsync(ownList))["transcriptions"]!.AsArray())!["id"]!.GetValue<int>();

        using var read = await stranger.GetAsync($"/api/v1/transcriptions/{id}", strangerKey);
        using var export = await stranger.GetAsync($"/api/v1/transcriptions/{id}/export?format=txt", strangerKey);
        using var strangerList = await stranger.GetAsync("/api/v1/transcriptions", strangerKey);

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, export.StatusCode);
        Assert.Equal(0, (await ApiSession.ReadObjectAsync(strangerList))["total"]!.GetValue<int>());
    }
}
