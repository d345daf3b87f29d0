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
    public async Task<AudioInfo> ProbeAsync(string filePath, CancellationToken cancellationToken)
    {
        var startInfo = new System.Diagnostics.ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-select_streams", "a", filePath })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var json = process.ExitCode == 0 ? System.Text.Json.Nodes.JsonNode.Parse(output) : null;
        var stream = json?["streams"]?.AsArray().FirstOrDefault();
        if (stream is null || !double.TryParse(json?["format"]?["duration"]?.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out var duration))
        {
            logger.LogInformation("Upload rejected: not audio");
            throw new UnsupportedAudioException("The file is not audio that can be decoded.");
        }

        return new AudioInfo(duration, json!["format"]!["format_name"]!.GetValue<string>(), stream["codec_name"]!.GetValue<string>(), 1, 16000);
    }
}
