using LazyLecture.Api.Captions;
using LazyLecture.Api.Errors;
using LazyLecture.Api.Transcriptions.Export;
using LazyLecture.Contracts.Jobs;
using Xunit;

namespace LazyLecture.Tests.Captions;

public class CueBuilderTests
{
    private static readonly CaptionRules Rules = CaptionRules.Default;

    [Fact]
    public void Steady_speech_is_cut_into_cues_of_at_most_two_balanced_lines_of_42_characters_that_keep_every_rule()
    {
        // 60 words of 3 to 9 letters at about 13 characters per second, without pauses.
        var words = Speech(0, Enumerable.Range(0, 60).Select(i => new string((char)('a' + i % 26), 3 + i % 7)), secondsPerCharacter: 1 / 13.0);

        var cues = CueBuilder.Build(Document(words), Rules);

        Assert.True(cues.Count > 1);
        Assert.All(cues, cue => Assert.Empty(Rules.Broken(cue)));
        Assert.All(cues, cue => Assert.InRange(cue.Lines.Count, 1, 2));
        Assert.All(cues.Where(c => c.Lines.Count == 2), cue => Assert.InRange(Math.Abs(cue.Lines[0].Length - cue.Lines[1].Length), 0, 10));
        Assert.Equal(words.Select(w => w.Text), cues.SelectMany(c => c.Lines).SelectMany(l => l.Split(' '))); // ends at word boundaries, nothing lost
        Assert.Equal(words.Select(w => w.Text), cues.SelectMany(c => c.Words).Select(w => w.Text));
    }

    [Fact]
    public void A_pause_longer_than_two_seconds_ends_the_cue_and_a_shorter_one_does_not()
    {
        var words = Speech(0, ["first", "words"], 0.08).Concat(Speech(2.95, ["still", "here"], 0.08)).Concat(Speech(6.5, ["after", "pause"], 0.08)).ToList();

        var cues = CueBuilder.Build(Document(words), Rules);

        Assert.Equal(["first words still here", "after pause"], cues.Select(c => c.Text));
        Assert.All(cues, cue => Assert.DoesNotContain(CaptionRule.AcrossPause, Rules.Broken(cue)));
    }

    [Fact]
    public void A_short_cue_stays_a_second_on_screen_taking_the_silence_after_it_and_then_before_it()
    {
        var words = Speech(10, ["Yes."], 0.05).Concat(Speech(20, ["No."], 0.05)).Concat(Speech(20.6, ["Well"], 0.05)).ToList();
        var oneWordCues = Rules with { MaxWords = 1 };

        var cues = CueBuilder.Build(Document(words), oneWordCues);

        Assert.Equal(["Yes.", "No.", "Well"], cues.Select(c => c.Text));
        Assert.Equal((10_000, 11_000), (cues[0].StartMs, cues[0].EndMs)); // into the silence after
        Assert.Equal((19_600, 20_600), (cues[1].StartMs, cues[1].EndMs)); // the next word comes at 20.6 s: earlier instead
        Assert.All(cues, cue => Assert.Empty(oneWordCues.Broken(cue)));
    }

    [Fact]
    public void A_sentence_end_closes_a_cue_that_fills_a_line()
    {
        var words = Speech(0, "This first sentence is long enough to fill a line. Then comes another one.".Split(' '), 0.06);

        var cues = CueBuilder.Build(Document(words), Rules);

        Assert.Equal(["This first sentence is long\nenough to fill a line.", "Then comes another one."], cues.Select(c => c.Text));
    }

    [Fact]
    public void A_fast_speaker_gives_cues_the_checker_reports_as_too_fast()
    {
        var words = Speech(0, Enumerable.Range(0, 40).Select(_ => "rapid"), secondsPerCharacter: 1 / 25.0);

        var cues = CueBuilder.Build(Document(words), Rules);

        Assert.Contains(cues, cue => Rules.Broken(cue).Contains(CaptionRule.TooFast));
    }

    [Fact]
    public void The_checker_names_every_rule_a_cue_breaks()
    {
        SegmentWord Word(double start, double end) => new(start, end, "w", 0.9);

        Assert.Empty(Rules.Broken(new CaptionCue(0, 2000, ["short line"], [Word(0, 1), Word(1.5, 2)])));
        Assert.Equal([CaptionRule.TooManyLines], Rules.Broken(new CaptionCue(0, 5000, ["one", "two", "three"], [])));
        Assert.Equal([CaptionRule.LineTooLong], Rules.Broken(new CaptionCue(0, 5000, [new string('x', 43)], [])));
        Assert.Equal([CaptionRule.TooFast], Rules.Broken(new CaptionCue(0, 2000, [new string('x', 35)], []))); // 17.5 characters a second
        Assert.Equal([CaptionRule.TooShort], Rules.Broken(new CaptionCue(0, 999, ["ok"], [])));
        Assert.Equal([CaptionRule.TooLong], Rules.Broken(new CaptionCue(0, 7001, ["long"], [])));
        Assert.Equal([CaptionRule.AcrossPause], Rules.Broken(new CaptionCue(0, 5000, ["a b"], [Word(0, 1), Word(3.01, 4)])));
        Assert.Equal([CaptionRule.TooManyWords], (Rules with { MaxWords = 1 }).Broken(new CaptionCue(0, 2000, ["a b"], [Word(0, 1), Word(1, 2)])));
    }

    [Fact]
    public void Limits_given_as_options_change_the_cues()
    {
        var words = Speech(0, Enumerable.Range(0, 30).Select(_ => "word"), secondsPerCharacter: 0.08);
        var oneLine = Rules with { MaxLines = 1, MaxLineLength = 20 };

        var cues = CueBuilder.Build(Document(words), oneLine);

        Assert.All(cues, cue => Assert.Single(cue.Lines));
        Assert.All(cues, cue => Assert.InRange(cue.Lines[0].Length, 1, 20));
        Assert.All(cues, cue => Assert.Empty(oneLine.Broken(cue)));
    }

    [Theory]
    [InlineData("max_lines", 0, null, null, null, null, null, null)]
    [InlineData("max_lines", 5, null, null, null, null, null, null)]
    [InlineData("max_line_length", null, 9, null, null, null, null, null)]
    [InlineData("max_line_length", null, 501, null, null, null, null, null)]
    [InlineData("max_cps", null, null, 4.9, null, null, null, null)]
    [InlineData("max_cps", null, null, double.NaN, null, null, null, null)]
    [InlineData("max_cps", null, null, double.PositiveInfinity, null, null, null, null)]
    [InlineData("min_duration", null, null, null, -0.1, null, null, null)]
    [InlineData("min_duration", null, null, null, 8.0, 7.5, null, null)]
    [InlineData("max_duration", null, null, null, null, 0.5, null, null)]
    [InlineData("max_pause", null, null, null, null, null, 0.0, null)]
    [InlineData("max_words", null, null, null, null, null, null, 0)]
    [InlineData("max_words", null, null, null, null, null, null, 101)]
    public void Options_out_of_range_are_a_validation_error_naming_the_parameter(
        string parameter, int? maxLines, int? maxLineLength, double? maxCps, double? minDuration, double? maxDuration, double? maxPause, int? maxWords)
    {
        var error = Assert.Throws<ValidationFailedException>(() => CaptionRules.Validate(maxLines, maxLineLength, maxCps, minDuration, maxDuration, maxPause, maxWords));

        Assert.Equal([parameter], error.Errors.Keys);
    }

    [Fact]
    public void Options_not_given_keep_the_common_caption_rules()
    {
        Assert.Equal(new CaptionRules(2, 42, 17, 1, 7, 2), CaptionRules.Validate(null, null, null, null, null, null, null));
        Assert.Equal(CaptionRules.Default with { MaxLineLength = 32, MaxCharsPerSecond = 20 }, CaptionRules.Validate(null, 32, 20, null, null, null, null));
    }

    /// <summary>Words said one after another from <paramref name="start"/>, each as long as its letters take at that pace.</summary>
    private static List<SegmentWord> Speech(double start, IEnumerable<string> texts, double secondsPerCharacter)
    {
        var words = new List<SegmentWord>();
        var time = start;
        foreach (var text in texts)
        {
            var end = time + (text.Length + 1) * secondsPerCharacter;
            words.Add(new SegmentWord(time, end, text, 0.9));
            time = end;
        }

        return words;
    }

    private static TranscriptDocument Document(IReadOnlyList<SegmentWord> words) =>
        new(1, "t", [new TranscriptChunk(0, string.Join(' ', words.Select(w => w.Text)), [new TranscriptSegment(words[0].Start, words[^1].End, "") { Words = words }])]);
}
