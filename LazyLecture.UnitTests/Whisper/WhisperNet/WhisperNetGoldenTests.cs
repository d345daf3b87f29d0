using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Whisper.Core;
using LazyLecture.Whisper.Audio;
using LazyLecture.Worker.Engines.Whisper;
using LazyLecture.Worker.Engines.WhisperNet;
using Whisper.net;
using Xunit;

namespace LazyLecture.Tests.Whisper.WhisperNet;

/// <summary>
/// Whisper.net (its bundled whisper.cpp, CPU runtime) against whisper.cpp v1.7.5's golden greedy decodes
/// (whisper-cli -t 2 -nf -bs 1 -bo 1), through the worker's whispernet engine: token for token.
/// </summary>
public class WhisperNetGoldenTests
{
    /// <summary>whisper-cli's options of the golden decodes.</summary>
    internal static WhisperEngineOptions GoldenOptions(string language = "en") => new()
    {
        Threads = 2,
        Language = language,
        NoFallback = true,
        BestOf = 1,
        BeamSize = 1,
        Runtime = WhisperRuntime.WhisperNet,
    };

    [Theory]
    [InlineData("synthetic-micro.en.bin", "micro-jfk-beam5.json")]
    [InlineData("synthetic-tiny.en.bin", "tiny-jfk-beam5.json")]
    public async Task Five_beam_decode_through_the_engine_setting_equals_whisper_cpp(string model, string golden)
    {
        var options = GoldenOptions();
        options.BeamSize = 5;
        options.BestOf = 5;
        var (segments, engine) = await Transcribe(model, "jfk.wav", options);
        using (engine)
        {
            AssertSameSegments(engine, Load(golden), segments);
        }
    }

    [Theory]
    [MemberData(nameof(GoldenSegment.GreedyDecodes), MemberType = typeof(GoldenSegment))]
    public async Task Greedy_decode_equals_whisper_cpp(string model, string audio, string golden)
    {
        var (segments, engine) = await Transcribe(model, audio, GoldenOptions());
        using (engine)
        {
            AssertSameSegments(engine, Load(golden), segments);
        }
    }

    [Fact]
    public async Task Multilingual_model_detects_latvian_like_whisper_cpp_and_decodes_the_same_tokens()
    {
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/jfk.wav"), ct: TestContext.Current.CancellationToken);
        using (var factory = WhisperFactory.FromPath(SharedAssets.Require("models/synthetic-micro.bin")))
        await using (var processor = factory.CreateBuilder().WithThreads(2).Build())
        {
            var (language, probability) = processor.DetectLanguageWithProbability(samples);
            Assert.Equal("lv", language);
            Assert.InRange(probability, 0.7396f - 0.01f, 0.7396f + 0.01f);
        }

        var (segments, engine) = await Transcribe("synthetic-micro.bin", "jfk.wav", GoldenOptions("auto"));
        using (engine)
        {
            Assert.All(segments, s => Assert.Equal("lv", s.Language));
            AssertSameSegments(engine, Load("micro-ml-jfk-auto-greedy.json"), segments);
        }
    }

    [Fact]
    public async Task Multilingual_model_with_english_given_decodes_the_same_tokens_as_whisper_cpp()
    {
        var (segments, engine) = await Transcribe("synthetic-micro.bin", "jfk.wav", GoldenOptions());
        using (engine)
        {
            Assert.All(segments, s => Assert.Equal("en", s.Language));
            AssertSameSegments(engine, Load("micro-ml-jfk-en-greedy.json"), segments);
        }
    }

    [Fact]
    public async Task Engine_segments_carry_whisper_cpp_tokens_log_probabilities_and_no_speech_probability()
    {
        using var engine = new WhisperNetEngine(SharedAssets.Require("models/synthetic-micro.en.bin"), GoldenOptions());
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/jfk.wav"), ct: TestContext.Current.CancellationToken);
        var raw = new List<SegmentData>();
        await foreach (var segment in engine.ProcessAsync(samples, TestContext.Current.CancellationToken))
        {
            raw.Add(segment);
        }

        var segments = new List<LazyLecture.Worker.Engines.EngineSegment>();
        await foreach (var segment in engine.TranscribeAsync(samples, progress: null, TestContext.Current.CancellationToken))
        {
            segments.Add(segment);
        }

        Assert.Equal(raw.Count, segments.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            var decoding = segments[i].Decoding!;
            Assert.Equal(raw[i].Tokens.Select(t => t.Id), decoding.Tokens);
            Assert.Equal(raw[i].Tokens.Average(t => (double)t.ProbabilityLog), decoding.AvgLogprob!.Value, 1e-6);
            Assert.InRange(decoding.AvgLogprob.Value, -30, 0);
            Assert.InRange(decoding.NoSpeechProb!.Value, 0, 1);
            Assert.True(decoding.CompressionRatio > 0);
            Assert.Null(decoding.Seek); // whisper.cpp does not tell the window or the temperature
            Assert.Null(decoding.Temperature);
        }
    }

    internal static async Task<(List<SegmentData> Segments, WhisperNetEngine Engine)> Transcribe(string model, string audio, WhisperEngineOptions options)
    {
        var engine = new WhisperNetEngine(SharedAssets.Require("models/" + model), options);
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/" + audio), ct: TestContext.Current.CancellationToken);
        var segments = new List<SegmentData>();
        await foreach (var segment in engine.ProcessAsync(samples, TestContext.Current.CancellationToken))
        {
            segments.Add(segment);
        }

        return (segments, engine);
    }

    private static void AssertSameSegments(WhisperNetEngine engine, IReadOnlyList<GoldenSegment> expected, IReadOnlyList<SegmentData> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            var text = a.Tokens.Where(t => engine.IsText(t.Id)).ToArray();
            Assert.Equal(e.Tokens, text.Select(t => t.Id));
            Assert.Equal(e.FromMs, (long)Math.Round(a.Start.TotalMilliseconds));
            Assert.Equal(e.ToMs, (long)Math.Round(a.End.TotalMilliseconds));
            Assert.Equal(e.Text, a.Text);
            for (var j = 0; j < e.Probabilities.Length; j++)
            {
                Assert.InRange(text[j].Probability, e.Probabilities[j] - 0.01f, e.Probabilities[j] + 0.01f);
            }
        }
    }

    private static IReadOnlyList<GoldenSegment> Load(string name) => GoldenSegment.Load(name);
}
