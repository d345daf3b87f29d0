using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Audio;
using LazyLecture.Worker.Engines;
using LazyLecture.Worker.Engines.PocketSphinx;
using Microsoft.Extensions.Options;
using Xunit;

namespace LazyLecture.Tests.Worker.PocketSphinx;

/// <summary>Runs the real PocketSphinx engine on shared audio (real word timings for tests); skips where the model is not installed, fails under CI.</summary>
internal static class PocketSphinxRun
{
    public const int SampleRate = 16000;

    public static PocketSphinxEngine CreateEngine(Action<PocketSphinxOptions>? configure = null)
    {
        var options = new PocketSphinxOptions();
        if (!File.Exists(Path.Combine(options.ModelPath, "mdef")))
        {
            // Like shared assets: a developer without the package skips, CI (whose prerequisites install it) fails.
            var reason = $"The PocketSphinx en-us model (Debian package pocketsphinx-en-us) is not installed at {options.ModelPath}.";
            if (SharedAssets.IsCi)
            {
                Assert.Fail(reason);
            }

            Assert.Skip(reason);
        }

        configure?.Invoke(options);

        return new PocketSphinxEngine(Options.Create(options));
    }

    public static WaveFile.Audio ReadMono16kHz(string relativePath)
    {
        var audio = WaveFile.ReadMono(SharedAssets.Require(relativePath));
        Assert.Equal(SampleRate, audio.SampleRate);
        Assert.Equal(1, audio.Channels);
        return audio;
    }

    public static async Task<List<EngineSegment>> TranscribeAsync(
        PocketSphinxEngine engine, float[] samples, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var segments = new List<EngineSegment>();
        await foreach (var segment in engine.TranscribeAsync(samples, progress, cancellationToken))
        {
            segments.Add(segment);
        }

        return segments;
    }

    /// <summary>The engine's segments (with their timed words) for a shared 16 kHz mono recording.</summary>
    public static async Task<List<EngineSegment>> TranscribeFileAsync(string relativePath, CancellationToken cancellationToken)
    {
        using var engine = CreateEngine();
        return await TranscribeAsync(engine, ReadMono16kHz(relativePath).Samples, null, cancellationToken);
    }
}
