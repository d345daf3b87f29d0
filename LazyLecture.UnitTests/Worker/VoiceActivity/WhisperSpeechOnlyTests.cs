using LazyLecture.Contracts.Jobs;
using LazyLecture.Media.Ffmpeg;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Model;
using LazyLecture.Worker.Engines.Whisper;
using LazyLecture.Worker.Jobs.Chunking;
using LazyLecture.Worker.VoiceActivity;
using Xunit;

namespace LazyLecture.Tests.Worker.VoiceActivity;

/// <summary>The managed Whisper engine given long-lecture.wav whole, and only its speech (one chunk, as the worker gives it).</summary>
public sealed class WhisperSpeechOnlyTests
{
    /// <summary>Runs of exact zeros over a second in long-lecture.wav (its README).</summary>
    private static readonly SpeechRegion[] Silences = [new(11.00, 19.00), new(21.92, 41.97), new(57.83, 92.97)];

    [Fact]
    public async Task With_voice_activity_detection_fewer_windows_are_decoded_and_no_segment_or_word_lies_in_a_silence()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var engine = new WhisperEngine(WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.en.bin")),
            new WhisperEngineOptions { Threads = 2, NoFallback = true }, "synthetic-micro.en");
        var audio = SharedAssets.Require("audio/long-lecture.wav");
        var samples = await FfmpegPcm.DecodeFileAsync(audio, cancellation);
        var chunk = new ChunkSpan(0, 0, samples.Length / 16000.0);
        var speech = await SileroVadTests.DetectAsync(SharedAssets.VoiceActivityModel);

        var whole = await ChunkTranscriber.TranscribeAsync(engine, chunk, samples, speech: null, DecodingOptions.Default, null, null, null, cancellation);
        var speechOnly = await ChunkTranscriber.TranscribeAsync(engine, chunk, samples, speech, DecodingOptions.Default, null, null, null, cancellation);

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"whole: {whole.TranscribedSecs:0.00} s, windows at {string.Join(", ", Windows(whole))}, {whole.Segments.Count} segments; in silences: {string.Join("; ", InSilence(whole).Select(s => $"{s.Start:0.00}-{s.End:0.00}"))}");
        output?.WriteLine($"speech only: {speechOnly.TranscribedSecs:0.00} s, windows at {string.Join(", ", Windows(speechOnly))}, segments {string.Join("; ", speechOnly.Segments.Select(s => $"{s.Start:0.00}-{s.End:0.00}"))}; speech {string.Join(", ", speech.Regions.Select(r => $"{r.Start:0.00}-{r.End:0.00}"))}");
        Assert.True(speechOnly.TranscribedSecs < whole.TranscribedSecs * 0.6, $"{speechOnly.TranscribedSecs:0.0} s of {whole.TranscribedSecs:0.0} s transcribed.");
        Assert.NotEmpty(speechOnly.Segments);
        Assert.True(Windows(speechOnly).Count < Windows(whole).Count, "No fewer windows were decoded with voice activity detection.");
        Assert.Empty(InSilence(speechOnly));
        // words may sit in the speech padding (0.4 s into a silence) where the engine timed them; none deeper
        var pad = SpeechDetectionSettings.Default.SpeechPadMs / 1000.0 + 0.05;
        Assert.All(speechOnly.Segments.SelectMany(s => s.Words ?? []), w => Assert.DoesNotContain(Silences, s => w.Start >= s.Start + pad && w.End <= s.End - pad));
        Assert.All(speechOnly.Segments, s => Assert.True(s.End <= chunk.End));
    }

    /// <summary>The windows that gave segments, by their start (10 ms frames) in the engine's own samples' time mapped to the recording.</summary>
    private static List<int> Windows(ChunkResult result) => [.. result.Segments.Select(s => s.Decoding?.Seek ?? -1).Where(s => s >= 0).Distinct()];

    private static IEnumerable<SegmentInput> InSilence(ChunkResult result) =>
        result.Segments.Where(s => Silences.Any(silence => s.Start >= silence.Start && s.End <= silence.End));
}
