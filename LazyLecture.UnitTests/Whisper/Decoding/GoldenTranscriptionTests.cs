using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Whisper.Core;
using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Transcription;
using Xunit;

namespace LazyLecture.Tests.Whisper.Decoding;

/// <summary>
/// Decodes compared with whisper.cpp v1.7.5's JSON output: greedy (whisper-cli -t 2 -nf -bs 1 -bo 1) and beam search
/// (-t 2 -nf -bs 5 -bo 5).
/// </summary>
public class GoldenTranscriptionTests
{
    internal static readonly WhisperOptions GoldenOptions = new()
    {
        Threads = 2,
        Language = "en",
        NoFallback = true,
        BestOf = 1,
        BeamSize = 1,
    };

    /// <summary>whisper-cli's beam search: five beams, best of five, here without temperature fall-back.</summary>
    private static readonly WhisperOptions BeamOptions = GoldenOptions with { BeamSize = 5, BestOf = 5 };

    [Theory]
    [MemberData(nameof(GoldenSegment.GreedyDecodes), MemberType = typeof(GoldenSegment))]
    public async Task Greedy_decode_equals_whisper_cpp(string model, string audio, string golden)
    {
        var result = await Transcribe(model, audio, GoldenOptions);

        AssertSameSegments(GoldenSegment.Load(golden), result.Segments);
    }

    [Theory]
    [InlineData("synthetic-micro.en.bin", "micro-jfk-beam5.json")]
    [InlineData("synthetic-tiny.en.bin", "tiny-jfk-beam5.json")]
    public async Task Five_beam_decode_equals_whisper_cpp(string model, string golden)
    {
        var result = await Transcribe(model, "jfk.wav", BeamOptions);

        AssertSameSegments(GoldenSegment.Load(golden), result.Segments);
    }

    /// <summary>
    /// Files as users run them: the large-v3 layout (128 mel bins, 51866 tokens, language given and detected) and a
    /// 107-s recording across four windows.
    /// </summary>
    public static TheoryData<string, string, string, string> UserFileDecodes => new()
    {
        { "synthetic-micro-v3.bin", "jfk.wav", "en", "micro-v3-jfk-en-greedy.json" },
        { "synthetic-micro-v3.bin", "jfk.wav", "auto", "micro-v3-jfk-auto-greedy.json" },
        { "synthetic-micro.en.bin", "long-lecture.wav", "en", "micro-long-greedy.json" },
        { "synthetic-tiny.en.bin", "long-lecture.wav", "en", "tiny-long-greedy.json" },
    };

    [Theory]
    [MemberData(nameof(UserFileDecodes))]
    public async Task Greedy_decode_of_the_files_users_run_equals_whisper_cpp(string model, string audio, string language, string golden)
    {
        var result = await Transcribe(model, audio, GoldenOptions with { Language = language });

        AssertSameSegments(GoldenSegment.Load(golden), result.Segments);
    }

    /// <summary>
    /// Quantized models (whisper.cpp's quantize tool): the integer kernels with q8 activations, and every stage before
    /// them (mel, convolutions, layer norms, encoder attention) bit for bit as ggml computes it, since a last-bit
    /// difference in an activation can move it across a q8 rounding boundary.
    /// </summary>
    public static TheoryData<string, string, string, string> QuantizedDecodes => new()
    {
        { "synthetic-micro.en-q8_0.bin", "jfk.wav", "en", "micro-q8_0-jfk-greedy.json" },
        { "synthetic-micro.en-q5_1.bin", "jfk.wav", "en", "micro-q5_1-jfk-greedy.json" },
        { "synthetic-micro.en-q5_0.bin", "jfk.wav", "en", "micro-q5_0-jfk-greedy.json" },
    };

    [Theory]
    [MemberData(nameof(QuantizedDecodes))]
    public async Task Greedy_decode_of_quantized_models_equals_whisper_cpp(string model, string audio, string language, string golden)
    {
        var result = await Transcribe(model, audio, GoldenOptions with { Language = language });

        AssertSameSegments(GoldenSegment.Load(golden), result.Segments);
    }

    [Fact]
    public async Task Five_beams_find_a_different_text_than_greedy_decoding_on_the_micro_model()
    {
        var beams = await Transcribe("synthetic-micro.en.bin", "jfk.wav", BeamOptions);
        var greedy = await Transcribe("synthetic-micro.en.bin", "jfk.wav", GoldenOptions);

        // the beam golden's text differs from the greedy golden's: the setting must reach the decode
        Assert.NotEqual(greedy.Segments.Select(s => s.Text), beams.Segments.Select(s => s.Text));
    }

    [Fact]
    public async Task Large_v3_layout_detects_korean_like_whisper_cpp()
    {
        var result = await Transcribe("synthetic-micro-v3.bin", "jfk.wav", GoldenOptions with { Language = "auto" });

        Assert.NotNull(result.Detection);
        Assert.Equal("ko", result.Detection.Code);
        Assert.InRange(result.Detection.Probability, 0.4754f - 0.01f, 0.4754f + 0.01f);
    }

    [Fact]
    public async Task Multilingual_model_detects_latvian_like_whisper_cpp_and_decodes_the_same_tokens()
    {
        var result = await Transcribe("synthetic-micro.bin", "jfk.wav", GoldenOptions with { Language = "auto" });

        Assert.NotNull(result.Detection);
        Assert.Equal("lv", result.Detection.Code);
        Assert.InRange(result.Detection.Probability, 0.7396f - 0.01f, 0.7396f + 0.01f);
        Assert.Equal("lv", result.Language);
        AssertSameSegments(GoldenSegment.Load("micro-ml-jfk-auto-greedy.json"), result.Segments);
    }

    [Fact]
    public async Task Multilingual_model_with_english_given_decodes_the_same_tokens_as_whisper_cpp()
    {
        var result = await Transcribe("synthetic-micro.bin", "jfk.wav", GoldenOptions);

        Assert.Null(result.Detection);
        AssertSameSegments(GoldenSegment.Load("micro-ml-jfk-en-greedy.json"), result.Segments);
    }

    internal static async Task<TranscriptionResult> Transcribe(string model, string audio, WhisperOptions options)
    {
        using var loaded = WhisperModel.Load(Path.IsPathRooted(model) ? model : SharedAssets.Require("models/" + model));
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/" + audio));
        using var transcriber = new WhisperTranscriber(loaded, options);
        return await transcriber.TranscribeAllAsync(samples, ct: TestContext.Current.CancellationToken);
    }

    internal static void AssertSameSegments(IReadOnlyList<GoldenSegment> expected, IReadOnlyList<TranscriptSegment> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Assert.Equal(e.Tokens, a.Tokens);
            Assert.Equal(e.FromMs, (long)Math.Round(a.Start * 1000));
            Assert.Equal(e.ToMs, (long)Math.Round(a.End * 1000));
            Assert.Equal(e.Text, a.Text);
            for (var j = 0; j < e.Probabilities.Length; j++)
            {
                Assert.InRange(a.TokenProbabilities[j], e.Probabilities[j] - 0.01f, e.Probabilities[j] + 0.01f);
            }
        }
    }
}
