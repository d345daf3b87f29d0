using LazyLecture.Api.Transcriptions.Audio;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace LazyLecture.Api.Transcriptions.Intake;

/// <summary>
/// The one way a recording comes in, behind the three upload routes (REST <c>/api/v1/transcriptions</c>, the original's
/// <c>/upload-audiofile</c>, OpenAI's <c>/v1/audio/transcriptions</c>): the size cap, staging in the audio store (streamed,
/// never whole in memory), probing the content with ffprobe and the duration rules. Each route reads its own form and says
/// a refusal in its own shape (<see cref="IIntakeRefusals"/>); committing a staged recording is <see cref="TranscriptionUploads.CreateAsync"/>.
/// </summary>
public sealed class UploadIntake(IAudioStore store, IAudioProbe probe, IOptions<TranscriptionOptions> options)
{
    // The multipart framing around the file (boundaries, headers, the other fields) on top of the file's own cap.
    private const long FramingSlackBytes = 1024 * 1024;

    /// <summary>
    /// Raises the server's body limit to the cap, before the body is read: past it Kestrel stops reading (413) even before
    /// <see cref="StageAsync"/>'s own count does.
    /// </summary>
    public void CapBody(HttpContext http)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.Value.MaxUploadBytes + FramingSlackBytes;
        }
    }

    /// <summary>Streams a file to the store's staging area; 413 (<see cref="UploadTooLargeException"/>) past the cap.</summary>
    public Task<StagedAudio> StageAsync(Stream content, CancellationToken cancellationToken) =>
        store.StageAsync(content, options.Value.MaxUploadBytes, cancellationToken);

    /// <summary>
    /// The staged recording's audio, judged by its content: refused when empty, when ffprobe finds no decodable audio (the
    /// probe's own 415 or 422), or when it is shorter than <paramref name="minDurationSecs"/> (the upload route's minimum when
    /// null) or longer than the configured maximum.
    /// </summary>
    public async Task<AudioInfo> ProbeAsync(StagedAudio staged, IIntakeRefusals refusals, CancellationToken cancellationToken, double? minDurationSecs = null)
    {
        if (staged.Length == 0)
        {
            throw refusals.Empty();
        }

        var audio = await probe.ProbeAsync(staged.Path, cancellationToken);
        var limits = new DurationLimits(minDurationSecs ?? options.Value.MinDurationSecs, options.Value.MaxDurationSecs);
        if (audio.DurationSeconds < limits.MinSecs)
        {
            throw refusals.TooShort(audio.DurationSeconds, limits);
        }

        if (audio.DurationSeconds > limits.MaxSecs)
        {
            throw refusals.TooLong(audio.DurationSeconds, limits);
        }

        return audio;
    }
}

/// <summary>The shortest and longest recording a route takes, in seconds.</summary>
public readonly record struct DurationLimits(double MinSecs, double MaxSecs);

/// <summary>How a route says that the intake refused a recording: the error (and so the status and shape) it answers with.</summary>
public interface IIntakeRefusals
{
    Exception Empty();

    Exception TooShort(double durationSecs, DurationLimits limits);

    Exception TooLong(double durationSecs, DurationLimits limits);
}
