using System.Text.Json.Serialization;
using LazyLecture.Api.Errors;
using LazyLecture.Contracts.Captions;

namespace LazyLecture.Api.Captions;

/// <summary>A readability rule a caption cue can break (snake_case on the wire).</summary>
public enum CaptionRule
{
    TooManyLines,
    LineTooLong,
    TooManyWords,
    TooFast,
    TooShort,
    TooLong,
    AcrossPause,
}

/// <summary>
/// The readability rules of srt/vtt cues, defined once: the cue builder cuts and times cues by them and
/// <see cref="Broken"/> checks a cue against them. The defaults are the common broadcast rules: at most two lines of 42
/// characters, at most 17 characters per second, 1 to 7 seconds on screen, no cue across a pause longer than 2 seconds.
/// </summary>
public sealed record CaptionRules(int MaxLines, int MaxLineLength, double MaxCharsPerSecond, double MinDurationSecs, double MaxDurationSecs, double MaxPauseSecs, int? MaxWords = null)
{
    public static readonly CaptionRules Default = new(MaxLines: 2, MaxLineLength: 42, MaxCharsPerSecond: 17, MinDurationSecs: 1, MaxDurationSecs: 7, MaxPauseSecs: 2);

    [JsonIgnore]
    public long MinDurationMs => Milliseconds(MinDurationSecs);

    [JsonIgnore]
    public long MaxDurationMs => Milliseconds(MaxDurationSecs);

    [JsonIgnore]
    public long MaxPauseMs => Milliseconds(MaxPauseSecs);

    /// <summary>Characters a reader reads: the lines joined by one space (a line break reads as a space).</summary>
    public static int Characters(IReadOnlyList<string> lines) => lines.Sum(line => line.Length) + Math.Max(0, lines.Count - 1);

    /// <summary>The time needed to read that many characters at the maximum reading speed.</summary>
    public long ReadingTimeMs(int characters) => (long)Math.Ceiling(characters * 1000 / MaxCharsPerSecond);

    /// <summary>The shortest time on screen for that many characters: the reading time, but never under the minimum duration.</summary>
    public long ShortestDurationMs(int characters) => Math.Max(MinDurationMs, ReadingTimeMs(characters));

    public bool IsPause(long gapMs) => gapMs > MaxPauseMs;

    /// <summary>
    /// The words set in at most <see cref="MaxLines"/> lines of at most <see cref="MaxLineLength"/> characters, one line
    /// when they fit on one, otherwise as evenly as possible; null when they do not fit.
    /// </summary>
    public IReadOnlyList<string>? Wrap(IReadOnlyList<string> words)
    {
        var total = words.Sum(w => w.Length) + Math.Max(0, words.Count - 1);
        if (total <= MaxLineLength)
        {
            return words.Count == 0 ? [] : [string.Join(' ', words)];
        }

        // The narrowest width that still fits the line count gives the most balanced lines.
        for (var width = (total + MaxLines - 1) / MaxLines; width <= MaxLineLength; width++)
        {
            if (FillLines(words, width) is { } lines && lines.Count <= MaxLines)
            {
                return lines;
            }
        }

        return null;
    }

    /// <summary>The rules the cue breaks, in declaration order; empty when it keeps them all.</summary>
    public IReadOnlyList<CaptionRule> Broken(CaptionCue cue)
    {
        ArgumentNullException.ThrowIfNull(cue);
        var broken = new List<CaptionRule>();
        var duration = cue.EndMs - cue.StartMs;
        if (cue.Lines.Count > MaxLines)
        {
            broken.Add(CaptionRule.TooManyLines);
        }

        if (cue.Lines.Any(line => line.Length > MaxLineLength))
        {
            broken.Add(CaptionRule.LineTooLong);
        }

        if (MaxWords is { } maxWords && cue.Words.Count > maxWords)
        {
            broken.Add(CaptionRule.TooManyWords);
        }

        if (duration < ReadingTimeMs(Characters(cue.Lines)))
        {
            broken.Add(CaptionRule.TooFast);
        }

        if (duration < MinDurationMs)
        {
            broken.Add(CaptionRule.TooShort);
        }

        if (duration > MaxDurationMs)
        {
            broken.Add(CaptionRule.TooLong);
        }

        for (var i = 1; i < cue.Words.Count; i++)
        {
            if (IsPause(Milliseconds(cue.Words[i].Start) - Milliseconds(cue.Words[i - 1].End)))
            {
                broken.Add(CaptionRule.AcrossPause);
                break;
            }
        }

        return broken;
    }

    /// <summary>The query's rules (defaults for those not given), or a 422 naming the first parameter that is out of range.</summary>
    public static CaptionRules Validate(int? maxLines, int? maxLineLength, double? maxCps, double? minDuration, double? maxDuration, double? maxPause, int? maxWords)
    {
        var rules = Default with
        {
            MaxLines = InRange(maxLines, Default.MaxLines, 1, 4, CaptionOptionNames.MaxLines, "lines"),
            MaxLineLength = InRange(maxLineLength, Default.MaxLineLength, 10, 500, CaptionOptionNames.MaxLineLength, "characters"),
            MaxCharsPerSecond = InRange(maxCps, Default.MaxCharsPerSecond, 5, 100, CaptionOptionNames.MaxCps, "characters per second"),
            MinDurationSecs = InRange(minDuration, Default.MinDurationSecs, 0, 10, CaptionOptionNames.MinDuration, "seconds"),
            MaxDurationSecs = InRange(maxDuration, Default.MaxDurationSecs, 1, 60, CaptionOptionNames.MaxDuration, "seconds"),
            MaxPauseSecs = InRange(maxPause, Default.MaxPauseSecs, 0.1, 60, CaptionOptionNames.MaxPause, "seconds"),
            MaxWords = maxWords is null ? null : InRange(maxWords, 0, 1, 100, CaptionOptionNames.MaxWords, "words"),
        };
        return rules.MinDurationSecs > rules.MaxDurationSecs
            ? throw ValidationFailedException.For(CaptionOptionNames.MinDuration, "min_duration must not be above max_duration.")
            : rules;
    }

    private static T InRange<T>(T? value, T fallback, T min, T max, string name, string unit) where T : struct, IComparable<T>
    {
        if (value is not { } given)
        {
            return fallback;
        }

        // NaN compares below everything, so it fails the lower bound.
        return given.CompareTo(min) < 0 || given.CompareTo(max) > 0 || given is double d && !double.IsFinite(d)
            ? throw ValidationFailedException.For(name, $"{name} must be from {min} to {max} {unit}.")
            : given;
    }

    private static List<string>? FillLines(IReadOnlyList<string> words, int width)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in words)
        {
            if (word.Length > width)
            {
                return null;
            }

            if (line.Length == 0)
            {
                line = word;
            }
            else if (line.Length + 1 + word.Length <= width)
            {
                line += " " + word;
            }
            else
            {
                lines.Add(line);
                line = word;
            }
        }

        if (line.Length > 0)
        {
            lines.Add(line);
        }

        return lines;
    }

    internal static long Milliseconds(double seconds) =>
        double.IsFinite(seconds) && seconds > 0 ? (long)Math.Round(seconds * 1000, MidpointRounding.AwayFromZero) : 0;
}
