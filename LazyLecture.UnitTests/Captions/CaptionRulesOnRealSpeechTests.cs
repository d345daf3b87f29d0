using System.Text;
using LazyLecture.Api.Captions;
using LazyLecture.Api.Transcriptions.Export;
using LazyLecture.Contracts.Jobs;
using LazyLecture.Tests.Transcriptions.Export;
using LazyLecture.Tests.Worker.PocketSphinx;
using Xunit;

namespace LazyLecture.Tests.Captions;

/// <summary>The srt and vtt exports of real recordings, with the word timings PocketSphinx gives them in the test, keep every caption rule.</summary>
public class CaptionRulesOnRealSpeechTests
{
    [Theory]
    [InlineData("audio/jfk.wav")]
    [InlineData("audio/long-lecture.wav")]
    public async Task Every_cue_of_the_srt_and_vtt_exports_keeps_the_caption_rules(string recording)
    {
        var segments = await PocketSphinxRun.TranscribeFileAsync(recording, TestContext.Current.CancellationToken);
        var words = segments.SelectMany(s => s.Words).Select(w => new SegmentWord(w.Start, w.End, w.Text, w.Probability)).ToList();
        Assert.True(words.Count >= 10, $"PocketSphinx heard only {words.Count} words in {recording}.");
        var document = new TranscriptDocument(1, recording,
            [new TranscriptChunk(0, string.Join(' ', segments.Select(s => s.Text)),
                [.. segments.Select(s => new TranscriptSegment(s.Start, s.End, s.Text) { Words = [.. s.Words.Select(w => new SegmentWord(w.Start, w.End, w.Text, w.Probability))] })])]);

        var srt = SubtitleFile.ParseSrt(Utf8(TranscriptExporter.Export(document, ExportFormat.Srt)));
        var vtt = SubtitleFile.ParseVtt(Utf8(TranscriptExporter.Export(document, ExportFormat.Vtt)));

        foreach (var cues in new[] { srt, vtt })
        {
            var report = new StringBuilder();
            var next = 0;
            foreach (var cue in cues)
            {
                // The cue's words are the next ones of the recording, in order: it ends at a word boundary.
                var cueWords = cue.Text.Split([' ', '\n']);
                var spoken = words.Skip(next).Take(cueWords.Length).ToList();
                Assert.Equal(spoken.Select(w => w.Text), cueWords);
                next += cueWords.Length;

                var broken = CaptionRules.Default.Broken(new CaptionCue(cue.StartMs, cue.EndMs, cue.Text.Split('\n'), spoken));
                if (broken.Count > 0)
                {
                    report.AppendLine($"{cue.Index} {cue.Start} --> {cue.End} \"{cue.Text}\": {string.Join(", ", broken)}");
                }
            }

            Assert.Equal(words.Count, next);
            Assert.True(report.Length == 0, $"Cues of {recording} that break a rule:\n{report}");
            TestContext.Current.TestOutputHelper?.WriteLine($"{recording}: {cues.Count} cues over {words.Count} words, all within the rules");
        }
    }

    private static string Utf8(ExportFile file) => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file.Content);
}
