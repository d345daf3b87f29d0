using LazyLecture.Media.Ffmpeg;

namespace LazyLecture.Worker.Audio;

/// <summary>
/// Decodes one chunk of a recording with ffmpeg into 16 kHz mono float samples. Only the chunk is in memory, so memory
/// does not grow with the recording's length.
/// </summary>
public sealed class ChunkDecoder(ILogger<ChunkDecoder> logger)
{
    public const int SampleRate = FfmpegPcm.SampleRate;

    public async Task<ReadOnlyMemory<float>> DecodeAsync(string audioPath, double startSecs, double lengthSecs, CancellationToken cancellationToken)
    {
        var samples = await FfmpegPcm.DecodeFileAsync(audioPath, startSecs, lengthSecs, cancellationToken);
        logger.LogDebug("Decoded {Samples} samples from {Start} s", samples.Length, startSecs);
        return samples;
    }
}
