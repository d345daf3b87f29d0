using LazyLecture.Contracts.Captions;
using Microsoft.AspNetCore.Mvc;

namespace LazyLecture.Api.Captions;

/// <summary>The caption rules a caller may set on the query string (srt/vtt export and the caption check); missing ones keep the defaults.</summary>
public sealed record CaptionQuery(
    [FromQuery(Name = CaptionOptionNames.MaxLines)] int? MaxLines,
    [FromQuery(Name = CaptionOptionNames.MaxLineLength)] int? MaxLineLength,
    [FromQuery(Name = CaptionOptionNames.MaxCps)] double? MaxCps,
    [FromQuery(Name = CaptionOptionNames.MinDuration)] double? MinDuration,
    [FromQuery(Name = CaptionOptionNames.MaxDuration)] double? MaxDuration,
    [FromQuery(Name = CaptionOptionNames.MaxPause)] double? MaxPause,
    [FromQuery(Name = CaptionOptionNames.MaxWords)] int? MaxWords)
{
    public const string Description =
        "Caption rules for srt and vtt (defaults in brackets): max_lines (1–4) [2], max_line_length (10–500 characters) [42], " +
        "max_cps (5–100 characters per second) [17], min_duration (0–10 s) [1], max_duration (1–60 s) [7], " +
        "max_pause (0.1–60 s: no cue across a longer pause) [2], max_words (1–100) [none].";

    public CaptionRules ToRules() => CaptionRules.Validate(MaxLines, MaxLineLength, MaxCps, MinDuration, MaxDuration, MaxPause, MaxWords);
}
