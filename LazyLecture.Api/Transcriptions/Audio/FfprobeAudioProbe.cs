using System.Globalization;
using System.Text.Json;
using LazyLecture.Media.Ffmpeg;

namespace LazyLecture.Api.Transcriptions.Audio;

/// <summary>
/// Probes a file with ffprobe, then decodes its first audio track once with ffmpeg: a file is only accepted when its audio
/// decodes to the end without errors and as long as it claims to be, so truncated or corrupt uploads are turned away here.
/// </summary>
public sealed class FfprobeAudioProbe(ILogger<FfprobeAudioProbe> logger) : IAudioProbe
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinDecodeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxDecodeTimeout = TimeSpan.FromMinutes(10);

    // Decoding is far faster than real time; allowing a quarter of the duration leaves room for a busy machine.
    private const double DecodeSecondsPerAudioSecond = 0.25;

    public async Task<AudioInfo> ProbeAsync(string filePath, CancellationToken cancellationToken)
    {
        var file = new FileInfo(filePath);
        if (!file.Exists)
        {
            throw new FileNotFoundException("The audio file to probe does not exist.", filePath);
        }

        if (file.Length == 0)
        {
            throw Unsupported("The file is empty.", "empty file");
        }

        using var input = ContentOnlyInput.For(file.FullName);
        var track = await ProbeTrackAsync(input.Url, cancellationToken);
        var decoded = await DecodeAsync(input.Url, track.DeclaredDuration, cancellationToken);

        var duration = track.ContainerDuration ?? track.StreamDuration ?? decoded;
        // A track that decodes for longer than it declares is judged by what it holds, so a lying header cannot pass a length limit.
        if (decoded > duration + Tolerance(decoded))
        {
            duration = decoded;
        }

        var info = new AudioInfo(duration, track.FormatName, track.Codec, track.Channels, track.SampleRate);
        logger.LogInformation(
            "Audio accepted: {FormatName}, {Codec}, {Channels} channel(s) at {SampleRate} Hz, {DurationSeconds:F2} s (decoded {DecodedSeconds:F2} s)",
            info.FormatName, info.Codec, info.Channels, info.SampleRate, info.DurationSeconds, decoded);
        return info;
    }

    private sealed record Track(string FormatName, string Codec, int Channels, int SampleRate, double? ContainerDuration, double? StreamDuration)
    {
        // The track's own length is the better yardstick for decoding: a video's container may run longer than its sound.
        public double? DeclaredDuration => StreamDuration ?? ContainerDuration;
    }

    private async Task<Track> ProbeTrackAsync(string input, CancellationToken cancellationToken)
    {
        var result = await MediaTool.RunForTextAsync(MediaTool.Ffprobe,
            ["-v", "warning", "-protocol_whitelist", "file", "-print_format", "json", "-show_format", "-show_streams", "-select_streams", "a", input],
            ProbeTimeout, cancellationToken);

        if (result.TimedOut)
        {
            throw Unsupported("The file could not be analysed in time.", "ffprobe timed out");
        }

        if (result.ExitCode != 0)
        {
            LogToolErrors("ffprobe", result, input);
            throw Unsupported("The file is not an audio or video file that can be read.", "not a media file");
        }

        JsonElement root;
        try
        {
            using var json = JsonDocument.Parse(result.Output);
            root = json.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Unsupported("The file is not an audio or video file that can be read.", "unreadable ffprobe output");
        }

        var stream = root.TryGetProperty("streams", out var streams) && streams.ValueKind == JsonValueKind.Array
            ? streams.EnumerateArray().FirstOrDefault(s => Text(s, "codec_type") == "audio")
            : default;
        if (stream.ValueKind != JsonValueKind.Object)
        {
            throw Unsupported("The file has no audio track.", "no audio stream");
        }

        var format = root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        var codec = Text(stream, "codec_name");
        var channels = (int)(Number(stream, "channels") ?? 0);
        var sampleRate = (int)(Number(stream, "sample_rate") ?? 0);
        if (codec is null or "none" || channels <= 0 || sampleRate <= 0)
        {
            throw Unsupported("The file's audio track is in a format that is not supported.", "audio stream without codec, channels or sample rate");
        }

        // A length guessed from the bitrate (VBR MP3 without a frame count) is no declared length: it can be far off either way.
        if (result.Errors.Contains("Estimating duration from bitrate", StringComparison.Ordinal))
        {
            return new Track(Text(format, "format_name") ?? "unknown", codec, channels, sampleRate, null, null);
        }

        return new Track(Text(format, "format_name") ?? "unknown", codec, channels, sampleRate, Duration(format), Duration(stream));
    }

    /// <summary>Decodes the first audio track to nowhere, stopping at the first error; returns how many seconds decoded.</summary>
    private async Task<double> DecodeAsync(string input, double? declaredDuration, CancellationToken cancellationToken)
    {
        var timeout = declaredDuration is { } seconds
            ? TimeSpan.FromSeconds(Math.Clamp(MinDecodeTimeout.TotalSeconds + seconds * DecodeSecondsPerAudioSecond, MinDecodeTimeout.TotalSeconds, MaxDecodeTimeout.TotalSeconds))
            : MaxDecodeTimeout;
        var result = await MediaTool.RunForTextAsync(MediaTool.Ffmpeg,
            ["-nostdin", "-v", "error", "-xerror", "-nostats", "-protocol_whitelist", "file", "-i", input, "-map", "0:a:0", "-f", "null", "-progress", "pipe:1", "-"],
            timeout, cancellationToken);

        if (result.TimedOut)
        {
            throw Undecodable(FormattableString.Invariant($"Decoding the audio took longer than {timeout.TotalSeconds:F0} s; the file may be corrupt."), "decoding timed out");
        }

        if (result.ExitCode != 0 || result.Errors.Length > 0)
        {
            LogToolErrors("ffmpeg", result, input);
            throw Undecodable("The audio could not be decoded to the end; the file appears to be truncated or corrupt.", "decoding failed");
        }

        var decoded = DecodedSeconds(result.Output);
        if (decoded is not > 0)
        {
            throw Undecodable("No audio could be decoded from the file.", "nothing decoded");
        }

        if (declaredDuration is { } declared && decoded < declared - Tolerance(declared))
        {
            throw Undecodable(
                FormattableString.Invariant($"The audio ends after {decoded:F1} s although the file declares {declared:F1} s; it appears to be truncated."),
                "shorter than declared");
        }

        return decoded.Value;
    }

    // Encoder delay, padding and container rounding differ by milliseconds; a cut-off file is short by far more.
    private static double Tolerance(double seconds) => Math.Max(1.0, seconds * 0.01);

    /// <summary>The last <c>out_time_us</c> ffmpeg's progress report gave: the time the decoded audio reached.</summary>
    private static double? DecodedSeconds(string progress)
    {
        double? seconds = null;
        foreach (var line in progress.Split('\n'))
        {
            if (line.StartsWith("out_time_us=", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan("out_time_us=".Length).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var microseconds))
            {
                seconds = microseconds / 1_000_000.0;
            }
        }

        return seconds;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    // ffprobe writes some numbers as JSON strings ("44100", "12.042449") and unknown ones as "N/A".
    private static double? Number(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }

        return value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && double.IsFinite(parsed)
                ? parsed
                : null;
    }

    private static double? Duration(JsonElement element) => Number(element, "duration") is > 0 and var seconds ? seconds : null;

    private UnsupportedAudioException Unsupported(string detail, string reason)
    {
        logger.LogInformation("Audio rejected as unsupported: {Reason}", reason);
        return new UnsupportedAudioException(detail);
    }

    private UndecodableAudioException Undecodable(string detail, string reason)
    {
        logger.LogInformation("Audio rejected as undecodable: {Reason}", reason);
        return new UndecodableAudioException(detail);
    }

    // Only ffmpeg's own last diagnostic, shortened and without the path: enough to tell why, never the file's contents.
    private void LogToolErrors(string tool, MediaToolResult<string> result, string input)
    {
        var lastLine = result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        lastLine = lastLine.Replace(input, "<input>", StringComparison.Ordinal);
        logger.LogDebug("{Tool} exited with {ExitCode}: {Diagnostic}", tool, result.ExitCode, lastLine.Length > 200 ? lastLine[..200] : lastLine);
    }
}
