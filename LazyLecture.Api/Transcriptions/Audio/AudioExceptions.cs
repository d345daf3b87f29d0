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

/// <summary>
/// The audio store cannot take a recording: 507 when its disk is full, 503 when it cannot be written at all (read-only,
/// missing, no permission). The partial file is already gone when this is thrown; the client may try again later.
/// </summary>
public sealed class AudioStoreUnavailableException(bool diskFull, Exception inner)
    : DomainException(diskFull
        ? "The audio store has no space left for this recording; nothing was stored. Try again later."
        : "The audio store cannot be written at the moment; nothing was stored. Try again later.")
{
    // Linux errno values as .NET reports them in IOException.HResult: no space left, disk quota exceeded.
    private const int NoSpaceLeft = 28;
    private const int QuotaExceeded = 122;

    public override int StatusCode => diskFull ? StatusCodes.Status507InsufficientStorage : StatusCodes.Status503ServiceUnavailable;

    public override string Title => diskFull ? "Audio store full" : "Audio store unavailable";

    public Exception Cause { get; } = inner;

    public static AudioStoreUnavailableException From(Exception failure) =>
        new(failure is IOException { HResult: NoSpaceLeft or QuotaExceeded }, failure);
}
