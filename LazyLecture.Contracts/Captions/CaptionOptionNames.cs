namespace LazyLecture.Contracts.Captions;

/// <summary>The query parameters that set the caption rules of srt/vtt exports and of the caption check (API and web app agree on them).</summary>
public static class CaptionOptionNames
{
    public const string MaxLines = "max_lines";
    public const string MaxLineLength = "max_line_length";
    public const string MaxCps = "max_cps";
    public const string MinDuration = "min_duration";
    public const string MaxDuration = "max_duration";
    public const string MaxPause = "max_pause";
    public const string MaxWords = "max_words";

    public static readonly IReadOnlyList<string> All = [MaxLines, MaxLineLength, MaxCps, MinDuration, MaxDuration, MaxPause, MaxWords];
}
