using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Nn;
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

    [Fact]
    public void Encoding_at_a_frame_offset_equals_encoding_the_mel_cut_there_with_zeros_past_its_end()
    {
        using var model = Golden.LoadModel("micro");
        var mel = LogMelSpectrogram.Compute(Golden.JfkSamples(), model.MelFilters, threads: 2);
        const int offset = 2500; // the window runs 1400 frames past the 4100 the mel holds
        var frames = mel.Frames - offset;
        var cut = new float[mel.Bins * 3000];
        for (var m = 0; m < mel.Bins; m++)
        {
            mel.Data.AsSpan(m * mel.Frames + offset, frames).CopyTo(cut.AsSpan(m * 3000));
        }

        var encoder = new WhisperEncoder(model, threads: 2);
        var atOffset = encoder.Encode(mel, offset, TestContext.Current.CancellationToken);
        var fromCut = encoder.Encode(new MelSpectrogram(mel.Bins, 3000, frames, cut), 0, TestContext.Current.CancellationToken);

        Assert.Equal(fromCut.Data, atOffset.Data);
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
