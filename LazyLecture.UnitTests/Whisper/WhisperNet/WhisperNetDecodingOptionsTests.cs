using LazyLecture.Contracts.Jobs;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Whisper.Core;
using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Model;
using LazyLecture.Worker.Engines;
using LazyLecture.Worker.Engines.Whisper;
using LazyLecture.Worker.Engines.WhisperNet;
using Xunit;

namespace LazyLecture.Tests.Whisper.WhisperNet;

/// <summary>
/// The uploader's decoding choices (the OpenAI routes' language, translation and prompt) reach whisper.cpp through the
/// whispernet engine for that call only, as they reach the managed engine: both engines give the same text for the same
/// choices, and that text is not what the configuration alone gives.
/// </summary>
public class WhisperNetDecodingOptionsTests
{
    private const string Multilingual = "synthetic-micro.bin";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_call_s_language_and_translation_reach_whisper_cpp_for_that_call_as_they_reach_the_managed_engine()
    {
        var german = DecodingOptions.Default with { Language = "de", Translate = true };
        using var whisperNet = WhisperNet(Multilingual);
        using var managed = Managed(Multilingual);

        var chosen = Text(await TranscribeAsync(whisperNet, german));
        var chosenLanguage = whisperNet.LastLanguage;
        var managedChosen = Text(await TranscribeAsync(managed, german));
        // the next call without choices is back on the configuration (English, transcribe)
        var configured = Text(await TranscribeAsync(whisperNet, DecodingOptions.Default));

        Assert.Equal("de", chosenLanguage);
        Assert.Equal("en", whisperNet.LastLanguage);
        Assert.Equal(managedChosen, chosen);
        Assert.NotEqual(configured, chosen);
    }

    [Fact]
    public async Task A_call_s_prompt_is_given_to_whisper_cpp_as_previous_text()
    {
        using var whisperNet = WhisperNet("synthetic-micro.en.bin");

        var prompted = Text(await TranscribeAsync(whisperNet, DecodingOptions.Default with { Prompt = "Ask not what your country can do for you." }));
        var plain = Text(await TranscribeAsync(whisperNet, DecodingOptions.Default with { Prompt = "  " }));

        Assert.NotEqual(plain, prompted);
        Assert.Equal(string.Join(' ', GoldenSegment.Load("micro-jfk-greedy.json").Select(s => s.Text.Trim())), plain);
    }

    [Fact]
    public async Task An_english_only_model_refuses_to_translate_like_the_managed_engine()
    {
        using var whisperNet = WhisperNet("synthetic-micro.en.bin");
        using var managed = Managed("synthetic-micro.en.bin");
        var translate = DecodingOptions.Default with { Translate = true };

        var whisperNetError = await Assert.ThrowsAsync<NotSupportedException>(() => TranscribeAsync(whisperNet, translate));
        var managedError = await Assert.ThrowsAsync<NotSupportedException>(() => TranscribeAsync(managed, translate));

        Assert.Equal(managedError.Message, whisperNetError.Message);
    }

    private static WhisperNetEngine WhisperNet(string model) => new(SharedAssets.Require("models/" + model), Options());

    private static WhisperEngine Managed(string model) => new(WhisperModel.Load(SharedAssets.Require("models/" + model)), Options(), model);

    /// <summary>The golden decodes' greedy settings on one thread: whisper.cpp's OpenMP threads spin, which a busy machine punishes.</summary>
    private static WhisperEngineOptions Options()
    {
        var options = WhisperNetGoldenTests.GoldenOptions();
        options.Threads = 1;
        return options;
    }

    private static async Task<List<EngineSegment>> TranscribeAsync(ITranscriptionEngine engine, DecodingOptions decoding)
    {
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/jfk.wav"), Cancellation);
        return await engine.TranscribeAsync(samples, decoding, progress: null, Cancellation).ToListAsync(Cancellation);
    }

    private static string Text(IEnumerable<EngineSegment> segments) => string.Join(' ', segments.Select(s => s.Text));
}
