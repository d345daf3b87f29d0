using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Transcription;
using LazyLecture.Worker.Engines;
using Xunit;

namespace LazyLecture.Tests.Whisper.WhisperNet;

/// <summary>
/// The managed engine's word times against Whisper.net's (whisper.cpp's token-level timestamps, run in this process as
/// the oracle) on the shared audio: the same words, each start and end within 10 ms.
/// </summary>
public class WordTimestampParityTests
{
    private const double ToleranceSecs = 0.010;

    [Theory]
    [InlineData("synthetic-micro.en.bin", "jfk.wav")]
    [InlineData("synthetic-micro.en.bin", "LDC93S1.wav")]
    [InlineData("synthetic-tiny.en.bin", "jfk.wav")]
    [InlineData("synthetic-tiny.en.bin", "LDC93S1.wav")]
    [InlineData("synthetic-micro.bin", "jfk.wav")]
    public async Task Managed_word_times_match_whisper_net_within_10_ms(string model, string audio)
    {
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/" + audio), ct: TestContext.Current.CancellationToken);
        var managed = await ManagedAsync(model, samples);
        var reference = await WhisperNetAsync(model, samples);

        Assert.Equal(reference.Count, managed.Count);
        Assert.NotEmpty(reference);
        for (var i = 0; i < reference.Count; i++)
        {
            var expected = reference[i].Words;
            var actual = managed[i].Words;
            Assert.NotEmpty(expected);
            Assert.Equal(expected.Select(w => w.Text), actual.Select(w => w.Text));
            for (var j = 0; j < expected.Count; j++)
            {
                Assert.InRange(actual[j].Start, expected[j].Start - ToleranceSecs, expected[j].Start + ToleranceSecs);
                Assert.InRange(actual[j].End, expected[j].End - ToleranceSecs, expected[j].End + ToleranceSecs);
                Assert.InRange(actual[j].Probability, expected[j].Probability - 0.01, expected[j].Probability + 0.01);
                Assert.True(actual[j].Start <= actual[j].End, $"word {j} of segment {i} ends before it starts");
            }
        }
    }

    private static async Task<List<TranscriptSegment>> ManagedAsync(string model, float[] samples)
    {
        using var loaded = WhisperModel.Load(SharedAssets.Require("models/" + model));
        using var transcriber = new WhisperTranscriber(loaded, WhisperNetGoldenTests.GoldenOptions().ToManagedOptions());
        var result = await transcriber.TranscribeAllAsync(samples, ct: TestContext.Current.CancellationToken);
        return [.. result.Segments];
    }

    private static async Task<List<EngineSegment>> WhisperNetAsync(string model, float[] samples)
    {
        using var engine = new global::LazyLecture.Worker.Engines.WhisperNet.WhisperNetEngine(
            SharedAssets.Require("models/" + model), WhisperNetGoldenTests.GoldenOptions());
        var segments = new List<EngineSegment>();
        await foreach (var segment in engine.TranscribeAsync(samples, null, TestContext.Current.CancellationToken))
        {
            segments.Add(segment);
        }

        return segments;
    }
}
