namespace LazyLecture.Api.Transcriptions.Audio;

/// <summary>
/// The media type of a stored recording, read from its first bytes (the container's signature) — never from the name the
/// uploader gave it, so a WAV uploaded as <c>x.html</c> is served as <c>audio/wav</c>, not as a page. Every upload was
/// probed by ffprobe before it was stored; a container this table does not know is served as opaque bytes.
/// </summary>
public static class AudioMediaType
{
    public const string Unknown = "application/octet-stream";

    /// <summary>How many leading bytes <see cref="Of(ReadOnlySpan{byte})"/> looks at.</summary>
    public const int HeaderLength = 16;

    public sealed record Kind(string MediaType, string Extension);

    public static Kind Of(ReadOnlySpan<byte> header) => header switch
    {
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'A', (byte)'V', (byte)'E', ..] => new("audio/wav", ".wav"),
        [(byte)'R', (byte)'F', (byte)'6', (byte)'4', _, _, _, _, (byte)'W', (byte)'A', (byte)'V', (byte)'E', ..] => new("audio/wav", ".wav"),
        [(byte)'F', (byte)'O', (byte)'R', (byte)'M', _, _, _, _, (byte)'A', (byte)'I', (byte)'F', _, ..] => new("audio/aiff", ".aiff"),
        [(byte)'f', (byte)'L', (byte)'a', (byte)'C', ..] => new("audio/flac", ".flac"),
        [(byte)'O', (byte)'g', (byte)'g', (byte)'S', ..] => new("audio/ogg", ".ogg"),
        [_, _, _, _, (byte)'f', (byte)'t', (byte)'y', (byte)'p', ..] => new("audio/mp4", ".m4a"),
        [0x1A, 0x45, 0xDF, 0xA3, ..] => new("audio/webm", ".webm"),
        [(byte)'#', (byte)'!', (byte)'A', (byte)'M', (byte)'R', ..] => new("audio/amr", ".amr"),
        [0x30, 0x26, 0xB2, 0x75, ..] => new("audio/x-ms-wma", ".wma"),
        [(byte)'I', (byte)'D', (byte)'3', ..] => new("audio/mpeg", ".mp3"),
        // An MPEG audio frame sync: layer bits 00 are ADTS AAC, any other layer is MPEG-1/2 audio (MP3).
        [0xFF, var second, ..] when (second & 0xF0) == 0xF0 && (second & 0x06) == 0 => new("audio/aac", ".aac"),
        [0xFF, var second, ..] when (second & 0xE0) == 0xE0 => new("audio/mpeg", ".mp3"),
        _ => new(Unknown, ".bin"),
    };

    public static async Task<Kind> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderLength];
        await using var file = File.OpenRead(path);
        var read = await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        return Of(header.AsSpan(0, read));
    }
}
