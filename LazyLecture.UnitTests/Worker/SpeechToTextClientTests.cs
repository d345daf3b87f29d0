using LazyLecture.Media.Ffmpeg;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Whisper.Core;
using LazyLecture.Tests.Whisper.Decoding;
using LazyLecture.Tests.Whisper.WhisperNet;
using LazyLecture.Whisper.Model;
using LazyLecture.Worker.Engines;
using LazyLecture.Worker.Engines.PocketSphinx;
using LazyLecture.Worker.Engines.Whisper;
using LazyLecture.Worker.Engines.WhisperNet;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Xunit;

namespace LazyLecture.Tests.Worker;

/// <summary>
/// Every engine as Microsoft.Extensions.AI's <see cref="ISpeechToTextClient"/>: an audio file's stream in (decoded by
/// ffmpeg), the transcript out, with the engine's segments and words as raw representation. No application is started.
/// </summary>
public class SpeechToTextClientTests
{
    public static TheoryData<string> WhisperRuntimes => ["managed", "whispernet"];

    private const int Eot = 50256; // the English-only vocabulary's end of text: text tokens lie below it

    [Theory]
    [MemberData(nameof(WhisperRuntimes))]
    public async Task A_whisper_engine_transcribes_a_wav_stream_into_the_golden_text_with_words(string runtime)
    {
        using ISpeechToTextClient client = CreateWhisper(runtime, "synthetic-micro.en.bin");
        await using var audio = File.OpenRead(SharedAssets.Require("audio/jfk.wav"));

        var response = await client.GetTextAsync(audio, cancellationToken: TestContext.Current.CancellationToken);

        var golden = GoldenSegment.Load("micro-jfk-greedy.json");
        Assert.Equal(string.Join(' ', golden.Select(s => s.Text.Trim())), response.Text);
        Assert.Equal("synthetic-micro.en.bin", response.ModelId);
        Assert.Equal(TimeSpan.FromMilliseconds(golden[0].FromMs), response.StartTime);
        var segments = Assert.IsType<List<EngineSegment>>(response.RawRepresentation);
        Assert.All(segments, s => Assert.Equal(s.Text, string.Join(' ', s.Words.Select(w => w.Text))));
        Assert.Equal("lazylecture-" + ((ITranscriptionEngine)client).Name, client.GetService<SpeechToTextClientMetadata>()?.ProviderName);
    }

    [Theory]
    [MemberData(nameof(WhisperRuntimes))]
    public async Task By_default_a_whisper_engine_decodes_with_five_beams_as_whisper_cli(string runtime)
    {
        // the worker's defaults, without fall-back as the golden: five beams, best of five
        var options = new WhisperEngineOptions { Threads = 2, NoFallback = true };
        using ISpeechToTextClient client = CreateWhisper(runtime, "synthetic-micro.en.bin", options);
        await using var audio = File.OpenRead(SharedAssets.Require("audio/jfk.wav"));

        var response = await client.GetTextAsync(audio, cancellationToken: TestContext.Current.CancellationToken);

        var golden = GoldenSegment.Load("micro-jfk-beam5.json");
        Assert.Equal(string.Join(' ', golden.Select(s => s.Text.Trim())), response.Text);
        var segments = Assert.IsType<List<EngineSegment>>(response.RawRepresentation);
        Assert.Equal(golden.SelectMany(s => s.Tokens), segments.SelectMany(s => s.Decoding!.Tokens.Where(t => t < Eot)));
    }

    [Theory]
    [MemberData(nameof(WhisperRuntimes))]
    public async Task Streaming_gives_each_segment_as_an_update_and_the_language_option_chooses_the_language(string runtime)
    {
        using ISpeechToTextClient client = CreateWhisper(runtime, "synthetic-micro.bin");
        await using var audio = File.OpenRead(SharedAssets.Require("audio/jfk.wav"));

        var updates = await client.GetStreamingTextAsync(audio, new SpeechToTextOptions { SpeechLanguage = "auto" }, TestContext.Current.CancellationToken)
            .ToListAsync(TestContext.Current.CancellationToken);

        // The golden decode of the multilingual micro model with language detection (whisper.cpp detects lv).
        var golden = GoldenSegment.Load("micro-ml-jfk-auto-greedy.json");
        Assert.Equal(golden.Select(s => s.Text.Trim()), updates.Select(u => u.Text));
        Assert.All(updates, u => Assert.Equal(SpeechToTextResponseUpdateKind.TextUpdated, u.Kind));
        Assert.Single(updates.Select(u => u.ResponseId).Distinct());
        Assert.All(updates, u => Assert.NotEmpty(Assert.IsType<EngineSegment>(u.RawRepresentation).Words));
    }

    [Theory]
    [MemberData(nameof(GoldenTranscriptionTests.UserFileDecodes), MemberType = typeof(GoldenTranscriptionTests))]
    public async Task The_managed_engine_gives_whisper_cpp_s_segments_for_the_files_users_run(string model, string audio, string language, string goldenFile)
    {
        using ISpeechToTextClient client = CreateWhisper("managed", model);
        await using var stream = File.OpenRead(SharedAssets.Require("audio/" + audio));

        var response = await client.GetTextAsync(stream, new SpeechToTextOptions { SpeechLanguage = language }, TestContext.Current.CancellationToken);

        var golden = GoldenSegment.Load(goldenFile);
        var segments = Assert.IsType<List<EngineSegment>>(response.RawRepresentation);
        Assert.Equal(golden.Select(s => s.Text.Trim()), segments.Select(s => s.Text));
        Assert.Equal(golden.Select(s => s.FromMs), segments.Select(s => (long)Math.Round(s.Start * 1000)));
        Assert.Equal(golden.Select(s => s.ToMs), segments.Select(s => (long)Math.Round(s.End * 1000)));
    }

    [Fact]
    public async Task PocketSphinx_transcribes_a_stream_with_words_and_refuses_a_language_it_has_no_model_for()
    {
        var options = new PocketSphinxOptions();
        if (!File.Exists(Path.Combine(options.ModelPath, "mdef")))
        {
            Assert.Skip($"The PocketSphinx en-us model is not installed at {options.ModelPath}.");
        }

        using ISpeechToTextClient client = new PocketSphinxEngine(Options.Create(options));
        await using (var audio = File.OpenRead(SharedAssets.Require("audio/jfk.wav")))
        {
            var response = await client.GetTextAsync(audio, cancellationToken: TestContext.Current.CancellationToken);
            var reference = await File.ReadAllTextAsync(SharedAssets.Require("audio/jfk.txt"), TestContext.Current.CancellationToken);
            Assert.InRange(LazyLecture.Whisper.Text.WordErrorRate.Compute(reference, response.Text), 0, 0.58);
            var segments = Assert.IsType<List<EngineSegment>>(response.RawRepresentation);
            Assert.All(segments, s => Assert.Equal(s.Text, string.Join(' ', s.Words.Select(w => w.Text))));
        }

        await using (var audio = File.OpenRead(SharedAssets.Require("audio/jfk.wav")))
        {
            await Assert.ThrowsAsync<ArgumentException>(() =>
                client.GetTextAsync(audio, new SpeechToTextOptions { SpeechLanguage = "de" }, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task A_stream_that_is_not_audio_is_refused_with_ffmpeg_s_reason()
    {
        using ISpeechToTextClient client = CreateWhisper("managed", "synthetic-micro.en.bin");
        using var garbage = new MemoryStream("this is not audio at all"u8.ToArray());

        var error = await Assert.ThrowsAsync<AudioDecodeException>(() =>
            client.GetTextAsync(garbage, cancellationToken: TestContext.Current.CancellationToken));
        Assert.StartsWith("ffmpeg could not decode the audio", error.Message, StringComparison.Ordinal);
    }

    private static SpeechToTextEngine CreateWhisper(string runtime, string model, WhisperEngineOptions? options = null)
    {
        var path = SharedAssets.Require("models/" + model);
        options ??= WhisperNetGoldenTests.GoldenOptions();
        return runtime == "managed"
            ? new WhisperEngine(WhisperModel.Load(path), options, Path.GetFileName(path))
            : new WhisperNetEngine(path, options);
    }
}
