namespace LazyLecture.Media.Ffmpeg;

/// <summary>
/// How a run of ffmpeg or ffprobe ended. A run that <see cref="TimedOut"/> was killed: its exit code is -1 and its
/// <see cref="Output"/> is the type's default.
/// </summary>
public sealed record MediaToolResult<T>(bool TimedOut, int ExitCode, T Output, string Errors);
