using System.Globalization;
using System.Text;

namespace LazyLecture.Api.Transcriptions.Export;

/// <summary>
/// SubRip and WebVTT cues from the segments of every chunk, numbered from 1 in order of start time. With
/// <see cref="CueLimits"/>, a segment with timed words is cut into cues of at most that many characters and words, each
/// timed from its first word's start to its last word's end; segments without words stay whole.
/// </summary>
internal static class SubtitleWriter
{
    public static string Srt(TranscriptDocument document, CueLimits limits)
    {
        var text = new StringBuilder();
        foreach (var cue in Cues(document, limits))
        {
            if (cue.Number > 1)
            {
                text.Append('\n');
            }

            // A "-->" inside the text would read as a timing line to SubRip parsers, which have no escaping.
            text.Append(cue.Number.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append(Timestamp(cue.Start, ',')).Append(" --> ").Append(Timestamp(cue.End, ',')).Append('\n')
                .Append(WithoutArrows(cue.Text)).Append('\n');
        }

        return text.ToString();
    }

    public static string Vtt(TranscriptDocument document, CueLimits limits)
    {
        var text = new StringBuilder("WEBVTT\n");
        foreach (var cue in Cues(document, limits))
        {
            text.Append('\n')
                .Append(cue.Number.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append(Timestamp(cue.Start, '.')).Append(" --> ").Append(Timestamp(cue.End, '.')).Append('\n')
                .Append(EscapeVtt(cue.Text)).Append('\n');
        }

        return text.ToString();
    }

    private sealed record Cue(int Number, long Start, long End, string Text);

    private static IEnumerable<Cue> Cues(TranscriptDocument document, CueLimits limits)
    {
        var number = 0;
        var segments = document.Chunks
            .SelectMany(chunk => chunk.Segments)
            .SelectMany(segment => limits.CutsCues && segment.Words.Count > 0 ? Cut(segment.Words, limits) : [segment])
            .Select(segment => (Start: Milliseconds(segment.Start), End: Milliseconds(segment.End), Text: CueText(segment.Text)))
            .Where(segment => segment.Text.Length > 0) // an empty cue would end the block early and break the numbering
            .OrderBy(segment => segment.Start); // stable: players expect cues by start time, equal starts keep their order

        foreach (var (start, end, text) in segments)
        {
            yield return new Cue(++number, start, Math.Max(start, end), text);
        }
    }

    /// <summary>Consecutive words, as many as fit the limits (at least one, however long), joined by spaces.</summary>
    private static IEnumerable<TranscriptSegment> Cut(IReadOnlyList<LazyLecture.Contracts.Jobs.SegmentWord> words, CueLimits limits)
    {
        var first = 0;
        while (first < words.Count)
        {
            var length = words[first].Text.Length;
            var last = first;
            while (last + 1 < words.Count
                   && (limits.MaxWords is not { } maxWords || last + 2 - first <= maxWords)
                   && (limits.MaxLineLength is not { } maxLength || length + 1 + words[last + 1].Text.Length <= maxLength))
            {
                last++;
                length += 1 + words[last].Text.Length;
            }

            yield return new TranscriptSegment(words[first].Start, words[last].End, string.Join(' ', words.Skip(first).Take(last + 1 - first).Select(w => w.Text)));
            first = last + 1;
        }
    }

    /// <summary>Trimmed lines without blank ones: a blank line ends a cue in both formats.</summary>
    private static string CueText(string? text) =>
        string.Join('\n', (text ?? "").ReplaceLineEndings("\n").Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));

    private static long Milliseconds(double seconds) =>
        double.IsFinite(seconds) && seconds > 0 ? (long)Math.Round(seconds * 1000, MidpointRounding.AwayFromZero) : 0;

    // Rounded once to whole milliseconds before splitting, so a time can never print as ",1000".
    private static string Timestamp(long milliseconds, char separator)
    {
        var hours = milliseconds / 3_600_000;
        var minutes = milliseconds / 60_000 % 60;
        var seconds = milliseconds / 1000 % 60;
        var millis = milliseconds % 1000;
        return string.Create(CultureInfo.InvariantCulture, $"{hours:00}:{minutes:00}:{seconds:00}{separator}{millis:000}");
    }

    private static string WithoutArrows(string text)
    {
        while (text.Contains("-->", StringComparison.Ordinal))
        {
            text = text.Replace("-->", "->", StringComparison.Ordinal);
        }

        return text;
    }

    // WebVTT cue text is markup: "&" and "<" must be escaped, and escaping ">" also keeps "-->" out of the text.
    private static string EscapeVtt(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
