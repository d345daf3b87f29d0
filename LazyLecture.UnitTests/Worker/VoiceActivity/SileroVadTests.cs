using LazyLecture.Media.Ffmpeg;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Worker.Jobs.Chunking;
using LazyLecture.Worker.VoiceActivity;
using Xunit;

namespace LazyLecture.Tests.Worker.VoiceActivity;

/// <summary>
/// Silero VAD on ONNX Runtime, both shared models, on long-lecture.wav: speech and silences as its README lists them
/// (jfk 0–11, LDC93S1 19–21.92, jfk and stereo_diarization 41.92–57.92, jfk and LDC93S1 92.92–106.85; silent between).
/// </summary>
public sealed class SileroVadTests
{
    private static readonly SpeechRegion[] Speech = [new(0, 11), new(19, 21.92), new(41.92, 57.92), new(92.92, 106.85)];

    private static readonly SpeechRegion[] Silences = [new(11, 19), new(21.92, 41.92), new(57.92, 92.92)];

    public static TheoryData<string> Models => [SharedAssets.VoiceActivityModel, "models/vad/silero_vad-v6.onnx"];

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Detected_speech_covers_the_lecture_speech_and_almost_none_of_its_silences(string model)
    {
        var speech = await DetectAsync(model);

        var speechCovered = Speech.Sum(s => Overlap(speech.Regions, s)) / Speech.Sum(s => s.Duration);
        var silenceCovered = Silences.Sum(s => Overlap(speech.Regions, s)) / Silences.Sum(s => s.Duration);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{model}: {string.Join(", ", speech.Regions.Select(r => $"{r.Start:0.00}-{r.End:0.00}"))}; speech covered {speechCovered:P1}, silence {silenceCovered:P1}");
        Assert.True(speechCovered >= 0.98, $"Only {speechCovered:P1} of the speech was detected.");
        Assert.True(silenceCovered <= 0.05, $"{silenceCovered:P1} of the silence was taken for speech.");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task With_30_second_chunks_every_chunk_boundary_falls_in_a_silence(string model)
    {
        var speech = await DetectAsync(model);

        var chunks = ChunkPlan.Plan(speech.RecordingSecs, chunkSizeSecs: 30, speech, searchSecs: 60);

        var boundaries = chunks.Skip(1).Select(c => c.Start).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"{model}: boundaries {string.Join(", ", boundaries.Select(b => b.ToString("0.00")))}");
        Assert.Equal([0, 1, 2, 3], chunks.Select(c => c.ChunkNo));
        Assert.All(boundaries, b => Assert.Contains(Silences, s => b > s.Start && b < s.End));
        // what the fixed offsets did: 30 s lies in a silence, 60 s and 90 s do too, but nothing guaranteed it
        Assert.Equal(speech.RecordingSecs, chunks[^1].End);
    }

    [Fact]
    public async Task A_recording_fed_in_pieces_gives_the_probabilities_of_one_piece()
    {
        using var vad = SileroVadModel.Load(SharedAssets.Require(SharedAssets.VoiceActivityModel));
        var samples = (await FfmpegPcm.DecodeFileAsync(SharedAssets.Require("audio/jfk.wav"), TestContext.Current.CancellationToken)).ToArray();

        var whole = vad.Start();
        whole.Feed(samples);
        var pieces = vad.Start();
        for (var offset = 0; offset < samples.Length; offset += 7777)
        {
            pieces.Feed(samples.AsSpan(offset, Math.Min(7777, samples.Length - offset)));
        }

        Assert.Equal((samples.Length + 511) / 512, whole.Finish().Count);
        Assert.Equal(whole.Probabilities, pieces.Finish());
        Assert.Contains(whole.Probabilities, p => p > 0.9f); // jfk is speech
    }

    internal static async Task<SpeechMap> DetectAsync(string model)
    {
        using var vad = SileroVadModel.Load(SharedAssets.Require(model));
        var samples = await FfmpegPcm.DecodeFileAsync(SharedAssets.Require("audio/long-lecture.wav"), TestContext.Current.CancellationToken);
        var stream = vad.Start();
        stream.Feed(samples.Span);
        return VoiceActivityDetector.SpeechMapOf(stream.Finish(), stream.SampleCount, samples.Length / 16000.0, SpeechDetectionSettings.Default);
    }

    private static double Overlap(IReadOnlyList<SpeechRegion> regions, SpeechRegion span) =>
        regions.Sum(r => Math.Max(0, Math.Min(r.End, span.End) - Math.Max(r.Start, span.Start)));
}
