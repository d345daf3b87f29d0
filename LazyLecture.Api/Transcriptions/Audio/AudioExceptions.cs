using LazyLecture.Api.Errors;

namespace LazyLecture.Api.Transcriptions.Audio;

/// <summary>415: the upload is not audio we can read at all (empty, not a media file, no audio track).</summary>
public sealed class UnsupportedAudioException(string detail) : DomainException(detail)
{
    public override int StatusCode => StatusCodes.Status415UnsupportedMediaType;

    public override string Title => "Unsupported audio";
}

/// <summary>422: the upload has an audio track, but it does not decode to the end (truncated or corrupt).</summary>
public sealed class UndecodableAudioException(string detail) : DomainException(detail)
{
    public override int StatusCode => StatusCodes.Status422UnprocessableEntity;

    public override string Title => "Undecodable audio";
}
