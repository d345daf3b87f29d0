namespace LazyLecture.Api.Transcriptions.Export;

/// <summary>
/// How srt/vtt cues are cut from timed words: at most <see cref="MaxLineLength"/> characters and at most
/// <see cref="MaxWords"/> words per cue (either or both; null: one cue per segment, as without words).
/// </summary>
public sealed record CueLimits(int? MaxLineLength, int? MaxWords)
{
    public const int MinLineLength = 10;
    public const int MaxLineLengthLimit = 500;
    public const int MaxWordsLimit = 100;

    public static readonly CueLimits None = new(null, null);

    public bool CutsCues => MaxLineLength is not null || MaxWords is not null;

    /// <summary>The query's limits, or a 422 naming the parameter that is out of range.</summary>
    public static CueLimits Validate(int? maxLineLength, int? maxWords)
    {
        if (maxLineLength is { } length && (length < MinLineLength || length > MaxLineLengthLimit))
        {
            throw new Errors.ValidationFailedException(new Dictionary<string, string[]>
            {
                ["max_line_length"] = [$"max_line_length must be from {MinLineLength} to {MaxLineLengthLimit} characters."],
            });
        }

        if (maxWords is { } words && (words < 1 || words > MaxWordsLimit))
        {
            throw new Errors.ValidationFailedException(new Dictionary<string, string[]>
            {
                ["max_words"] = [$"max_words must be from 1 to {MaxWordsLimit}."],
            });
        }

        return new CueLimits(maxLineLength, maxWords);
    }
}
