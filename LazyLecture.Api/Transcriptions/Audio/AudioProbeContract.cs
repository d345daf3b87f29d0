// TEMPORARY: the shapes agreed with the transcripts-parts branch, replaced by its implementation when merged.
using LazyLecture.Api.Errors;

namespace LazyLecture.Api.Transcriptions.Audio;

public sealed record AudioInfo(double DurationSeconds, string FormatName, string Codec, int Channels, int SampleRate);

public interface IAudioProbe
{
    Task<AudioInfo> ProbeAsync(string filePath, CancellationToken cancellationToken);
}

public sealed class UnsupportedAudioException(string detail) : DomainException(detail)
{
    public override int StatusCode => StatusCodes.Status415UnsupportedMediaType;

    public override string Title => "Unsupported audio";
}

public sealed class UndecodableAudioException(string detail) : DomainException(detail)
{
    public override int StatusCode => StatusCodes.Status422UnprocessableEntity;

    public override string Title => "Undecodable audio";
}

public sealed class FfprobeAudioProbe(ILogger<FfprobeAudioProbe> logger) : IAudioProbe
{
    public Task<AudioInfo> ProbeAsync(string filePath, CancellationToken cancellationToken)
    {
        logger.LogWarning("Audio probing is not merged yet");
        throw new UnsupportedAudioException("Audio probing is not available yet.");
    }
}
