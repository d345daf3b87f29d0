using LazyLecture.Whisper.Audio;
using Xunit;

namespace LazyLecture.Tests.Whisper.Core;

public sealed class LogMelSpectrogramTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("micro")]
    [InlineData("tiny")]
    public void Log_mel_of_jfk_matches_whisper_cpp(string size)
    {
        using var model = Golden.LoadModel(size);
        var expected = Golden.Read($"{size}-jfk.mel.f32");

        var mel = LogMelSpectrogram.Compute(Golden.JfkSamples(), model.MelFilters, threads: 2);

        Assert.Equal(80, mel.Bins);
        Assert.Equal(4100, mel.Frames);
        Assert.Equal(1099, mel.FramesFromAudio);
        var diff = Golden.MaxAbsDifference(expected, mel.Data);
        output.WriteLine($"max |mel - golden| = {diff:E3}");
        Assert.True(diff < 1e-3f, $"max abs difference {diff}");
    }
}
