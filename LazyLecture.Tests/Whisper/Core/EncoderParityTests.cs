using LazyLecture.Whisper;
using Xunit;

namespace LazyLecture.Tests.Whisper.Core;

public sealed class EncoderParityTests(ITestOutputHelper output)
{
    private const float Tolerance = 2e-2f;

    [Theory]
    [InlineData("micro")]
    [InlineData("tiny")]
    public void Encoder_output_for_jfk_matches_whisper_cpp(string size)
    {
        using var model = Golden.LoadModel(size);
        var mel = LogMelSpectrogram.Compute(Golden.JfkSamples(), model.MelFilters, threads: 2);

        var encoded = new WhisperEncoder(model, threads: 2).Encode(mel, frameOffset: 0, TestContext.Current.CancellationToken);

        AssertMatches(Golden.Read($"{size}-jfk.enc.f32"), encoded, model);
    }

    [Theory]
    [InlineData("micro")]
    [InlineData("tiny")]
    public void Encoder_output_for_the_sine_mel_matches_whisper_cpp(string size)
    {
        using var model = Golden.LoadModel(size);

        var encoded = new WhisperEncoder(model, threads: 2).Encode(Golden.SineMel(), frameOffset: 0, TestContext.Current.CancellationToken);

        AssertMatches(Golden.Read($"{size}-sinemel.enc.f32"), encoded, model);
    }

    private void AssertMatches(float[] expected, EncoderOutput encoded, WhisperModel model)
    {
        Assert.Equal(model.HyperParameters.NAudioCtx, encoded.Positions);
        Assert.Equal(model.HyperParameters.NAudioState, encoded.State);
        var diff = Golden.MaxAbsDifference(expected, encoded.Data);
        output.WriteLine($"max |encoder - golden| = {diff:E3}");
        Assert.True(diff < Tolerance, $"max abs difference {diff}");
    }
}
