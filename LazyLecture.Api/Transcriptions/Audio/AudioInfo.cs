namespace LazyLecture.Api.Transcriptions.Audio;

/// <summary>What probing learnt about a file's (first) audio track; <see cref="FormatName"/> is ffprobe's container name.</summary>
public sealed record AudioInfo(double DurationSeconds, string FormatName, string Codec, int Channels, int SampleRate);

/// <summary>Checks that a file holds decodable audio and describes it; judges by content only, never by name or declared type.</summary>
public interface IAudioProbe
{
    /// <exception cref="UnsupportedAudioException">The file is empty, not a media file, or has no audio track.</exception>
    /// <exception cref="UndecodableAudioException">The file has an audio track that does not decode to the end.</exception>
    Task<AudioInfo> ProbeAsync(string filePath, CancellationToken cancellationToken);
}
