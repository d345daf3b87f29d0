using LazyLecture.Worker.VoiceActivity;
using Xunit;

namespace LazyLecture.Tests.Worker.VoiceActivity;

/// <summary>Silero's get_speech_timestamps on given window probabilities (512 samples = 32 ms each).</summary>
public sealed class SpeechTimestampsTests
{
    private const double Window = 512 / 16000.0;

    [Fact]
    public void Speech_starts_at_the_threshold_ends_below_the_negative_threshold_and_is_padded()
    {
        // 20 windows of silence, 30 of speech (with a dip to 0.4: above neg_threshold 0.35, so still speech), 50 of silence
        var probabilities = Repeat(0.1f, 20).Concat(Repeat(0.9f, 10)).Concat(Repeat(0.4f, 5)).Concat(Repeat(0.9f, 15)).Concat(Repeat(0.1f, 50)).ToList();

        var regions = SpeechTimestamps.Find(probabilities, probabilities.Count * 512L, SpeechDetectionSettings.Silero);

        var region = Assert.Single(regions);
        Assert.Equal(20 * Window - 0.03, region.Start, 3);
        Assert.Equal(50 * Window + 0.03, region.End, 3);
    }

    [Fact]
    public void A_pause_shorter_than_the_minimum_silence_does_not_end_speech_and_short_speech_is_dropped()
    {
        var settings = SpeechDetectionSettings.Silero with { MinSilenceDurationMs = 200 };
        // speech, 3 windows (96 ms) of silence, speech, long silence, then 5 windows (160 ms < 250 ms) of speech
        var probabilities = Repeat(0.9f, 20).Concat(Repeat(0.0f, 3)).Concat(Repeat(0.9f, 20)).Concat(Repeat(0.0f, 40)).Concat(Repeat(0.9f, 5)).Concat(Repeat(0.0f, 40)).ToList();

        var regions = SpeechTimestamps.Find(probabilities, probabilities.Count * 512L, settings);

        var region = Assert.Single(regions);
        Assert.Equal(0, region.Start, 3);
        Assert.Equal(43 * Window + 0.03, region.End, 3);
    }

    [Fact]
    public void Regions_closer_than_twice_the_padding_share_the_gap_and_speech_to_the_end_ends_with_the_recording()
    {
        var settings = SpeechDetectionSettings.Silero with { SpeechPadMs = 100, MinSilenceDurationMs = 50 };
        // a 5-window (160 ms) gap is below 2 × 100 ms of padding: each side takes half
        var probabilities = Repeat(0.0f, 10).Concat(Repeat(0.9f, 20)).Concat(Repeat(0.0f, 5)).Concat(Repeat(0.9f, 20)).ToList();

        var regions = SpeechTimestamps.Find(probabilities, probabilities.Count * 512L - 100, settings);

        Assert.Equal(2, regions.Count);
        Assert.Equal(10 * Window - 0.1, regions[0].Start, 3);
        Assert.Equal(regions[0].End, regions[1].Start, 3);
        Assert.Equal((probabilities.Count * 512L - 100) / 16000.0, regions[1].End, 3);
    }

    [Fact]
    public void Speech_longer_than_the_maximum_is_split_at_its_last_pause()
    {
        var settings = SpeechDetectionSettings.Silero with { MaxSpeechDurationSecs = 2, MinSilenceDurationMs = 1000, SpeechPadMs = 0 };
        // 40 windows (1.28 s) of speech, a 5-window pause (160 ms: over 98 ms, under the minimum silence), 40 more
        var probabilities = Repeat(0.9f, 40).Concat(Repeat(0.0f, 5)).Concat(Repeat(0.9f, 40)).Concat(Repeat(0.0f, 60)).ToList();

        var regions = SpeechTimestamps.Find(probabilities, probabilities.Count * 512L, settings);

        Assert.Equal(2, regions.Count);
        Assert.Equal(40 * Window, regions[0].End, 3);
        Assert.Equal(45 * Window, regions[1].Start, 3);
    }

    private static IEnumerable<float> Repeat(float value, int count) => Enumerable.Repeat(value, count);
}
