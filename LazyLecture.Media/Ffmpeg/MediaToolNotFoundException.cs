namespace LazyLecture.Media.Ffmpeg;

/// <summary>ffmpeg or ffprobe could not be started: it is not installed, or not on the PATH.</summary>
public sealed class MediaToolNotFoundException(string tool, Exception? inner = null)
    : InvalidOperationException($"{tool} is not installed or not on the PATH (Debian: apt-get install ffmpeg).", inner)
{
    public string Tool { get; } = tool;
}
