using System.Globalization;
using System.Text;
using LazyLecture.Api.Captions;

namespace LazyLecture.Api.Transcriptions.Export;

/// <summary>SubRip and WebVTT files from cues (see <see cref="CueBuilder"/>), numbered from 1 in order.</summary>
internal static class SubtitleWriter
{
    public static string Srt(IReadOnlyList<CaptionCue> cues)
    {
        var text = new StringBuilder();
        for (var i = 0; i < cues.Count; i++)
        {
            if (i > 0)
            {
                text.Append('\n');
            }

            // A "-->" inside the text would read as a timing line to SubRip parsers, which have no escaping.
            text.Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append(Timestamp(cues[i].StartMs, ',')).Append(" --> ").Append(Timestamp(cues[i].EndMs, ',')).Append('\n')
                .Append(WithoutArrows(cues[i].Text)).Append('\n');
        }

        return text.ToString();
    }

    public static string Vtt(IReadOnlyList<CaptionCue> cues)
    {
        var text = new StringBuilder("WEBVTT\n");
        for (var i = 0; i < cues.Count; i++)
        {
            text.Append('\n')
                .Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append(Timestamp(cues[i].StartMs, '.')).Append(" --> ").Append(Timestamp(cues[i].EndMs, '.')).Append('\n')
                .Append(EscapeVtt(cues[i].Text)).Append('\n');
        }

        return text.ToString();
    }

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
