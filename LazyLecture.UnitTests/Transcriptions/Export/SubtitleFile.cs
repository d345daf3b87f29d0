using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace LazyLecture.Tests.Transcriptions.Export;

/// <summary>A cue read back from an srt or vtt file: its number, timing strings as written, and text.</summary>
public sealed record SubtitleCue(int Index, string Start, string End, string Text)
{
    public long StartMs => SubtitleFile.Milliseconds(Start);

    public long EndMs => SubtitleFile.Milliseconds(End);
}

/// <summary>A strict reader of the srt and vtt files the exporter writes: every block must be well formed.</summary>
public static class SubtitleFile
{
    public static List<SubtitleCue> ParseSrt(string content) => ParseCues(content, ',');

    public static List<SubtitleCue> ParseVtt(string content)
    {
        if (content == "WEBVTT\n")
        {
            return [];
        }

        Assert.StartsWith("WEBVTT\n\n", content, StringComparison.Ordinal);
        return ParseCues(content["WEBVTT\n\n".Length..], '.');
    }

    /// <summary>Blocks separated by one blank line, each exactly: index, timing line, one or more non-blank text lines.</summary>
    public static List<SubtitleCue> ParseCues(string content, char separator)
    {
        var time = $@"(\d{{2}}):([0-5]\d):([0-5]\d){Regex.Escape(separator.ToString())}(\d{{3}})";
        var block = new Regex($@"\A(?<index>[1-9]\d*)\n(?<start>{time}) --> (?<end>{time})\n(?<text>[^\n]+(?:\n[^\n]+)*)\n\z");
        var cues = new List<SubtitleCue>();
        if (content.Length == 0)
        {
            return cues;
        }

        foreach (var text in Regex.Split(content, @"(?<=\n)\n"))
        {
            var match = block.Match(text);
            Assert.True(match.Success, $"Malformed cue: {text}");
            var cue = new SubtitleCue(int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture), match.Groups["start"].Value,
                match.Groups["end"].Value, match.Groups["text"].Value);
            Assert.DoesNotContain("-->", cue.Text, StringComparison.Ordinal);
            Assert.True(Milliseconds(cue.Start) <= Milliseconds(cue.End), $"Cue {cue.Index} ends before it starts");
            if (cues.Count > 0)
            {
                Assert.Equal(cues[^1].Index + 1, cue.Index);
                Assert.True(Milliseconds(cues[^1].Start) <= Milliseconds(cue.Start), $"Cue {cue.Index} starts before the one before it");
            }

            cues.Add(cue);
        }

        return cues;
    }

    public static long Milliseconds(string timestamp)
    {
        var parts = timestamp.Split(':', ',', '.').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + parts[3];
    }
}
