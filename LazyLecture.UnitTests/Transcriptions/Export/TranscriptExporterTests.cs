using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using LazyLecture.Api.Transcriptions.Export;
using LazyLecture.Contracts.Jobs;
using Xunit;

namespace LazyLecture.Tests.Transcriptions.Export;

public class TranscriptExporterTests
{
    private static readonly TranscriptDocument Lecture = new(42, "Linear algebra, lecture 3",
    [
        new TranscriptChunk(0, "Good morning. Today: eigenvalues.",
        [
            new TranscriptSegment(0.0, 2.4, " Good morning. "),
            new TranscriptSegment(2.4, 5.0, "Today: eigenvalues."),
        ]),
        new TranscriptChunk(1, "An hour in, we reach the spectral theorem.",
        [
            new TranscriptSegment(3599.9996, 3725.5, "An hour in,"),
            new TranscriptSegment(3725.5, 3730.25, "we reach the spectral theorem.")
            {
                Words =
                [
                    new SegmentWord(3725.5, 3725.9, "we", 0.91), new SegmentWord(3725.9, 3726.4, "reach", 0.87),
                    new SegmentWord(3726.4, 3726.6, "the", 0.99), new SegmentWord(3726.6, 3727.3, "spectral", 0.64),
                    new SegmentWord(3727.3, 3730.25, "theorem.", 0.123456789),
                ],
            },
        ]),
    ]);

    private static readonly TranscriptDocument Empty = new(7, "Nothing said", []);

    [Fact]
    public void Txt_joins_chunk_texts_with_a_blank_line_in_utf8_without_bom()
    {
        var document = Lecture with { Chunks = [.. Lecture.Chunks, new TranscriptChunk(2, "Привет — ünïcode.", [])] };

        var file = TranscriptExporter.Export(document, ExportFormat.Txt);

        Assert.Equal(
            "Good morning. Today: eigenvalues.\n\nAn hour in, we reach the spectral theorem.\n\nПривет — ünïcode.",
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file.Content));
        Assert.False(file.Content.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), "no byte order mark");
    }

    [Fact]
    public void Txt_of_an_empty_transcript_is_an_empty_file()
    {
        Assert.Empty(TranscriptExporter.Export(Empty, ExportFormat.Txt).Content);
    }

    [Fact]
    public void Docx_is_a_valid_package_with_the_title_heading_and_one_paragraph_per_chunk()
    {
        var paragraphs = OpenValidDocx(TranscriptExporter.Export(Lecture, ExportFormat.Docx).Content);

        Assert.Equal(["Linear algebra, lecture 3", "Good morning. Today: eigenvalues.", "An hour in, we reach the spectral theorem."],
            paragraphs.Select(p => p.InnerText));
        Assert.Equal("Title", paragraphs[0].ParagraphProperties?.ParagraphStyleId?.Val?.Value);
    }

    [Fact]
    public void Docx_of_an_empty_transcript_holds_only_the_heading()
    {
        var paragraphs = OpenValidDocx(TranscriptExporter.Export(Empty, ExportFormat.Docx).Content);

        Assert.Equal(["Nothing said"], paragraphs.Select(p => p.InnerText));
    }

    [Fact]
    public void Docx_keeps_line_breaks_and_stays_valid_with_control_characters_in_the_text()
    {
        var document = Empty with { Chunks = [new TranscriptChunk(0, "first line\nsecond\u0001 line\u0000", [])] };

        var paragraphs = OpenValidDocx(TranscriptExporter.Export(document, ExportFormat.Docx).Content);

        Assert.Equal(2, paragraphs.Count);
        Assert.Equal("first linesecond line", paragraphs[1].InnerText);
        Assert.Single(paragraphs[1].Descendants<Break>());
    }

    [Fact]
    public void Srt_numbers_every_segment_in_order_with_well_formed_times()
    {
        var cues = ParseSrt(Text(TranscriptExporter.Export(Lecture, ExportFormat.Srt)));

        Assert.Equal(
        [
            new Cue(1, "00:00:00,000", "00:00:02,400", "Good morning."),
            new Cue(2, "00:00:02,400", "00:00:05,000", "Today: eigenvalues."),
            new Cue(3, "01:00:00,000", "01:02:05,500", "An hour in,"),
            new Cue(4, "01:02:05,500", "01:02:10,250", "we reach the spectral theorem."),
        ], cues);
    }

    [Fact]
    public void Vtt_has_the_header_and_every_segment_in_order_with_well_formed_times()
    {
        var cues = ParseVtt(Text(TranscriptExporter.Export(Lecture, ExportFormat.Vtt)));

        Assert.Equal(
        [
            new Cue(1, "00:00:00.000", "00:00:02.400", "Good morning."),
            new Cue(2, "00:00:02.400", "00:00:05.000", "Today: eigenvalues."),
            new Cue(3, "01:00:00.000", "01:02:05.500", "An hour in,"),
            new Cue(4, "01:02:05.500", "01:02:10.250", "we reach the spectral theorem."),
        ], cues);
    }

    [Fact]
    public void Srt_cues_are_cut_by_word_count_and_timed_by_their_words_while_segments_without_words_stay_whole()
    {
        var cues = ParseSrt(Text(TranscriptExporter.Export(Lecture, ExportFormat.Srt, new CueLimits(null, 2))));

        Assert.Equal(
        [
            new Cue(1, "00:00:00,000", "00:00:02,400", "Good morning."),
            new Cue(2, "00:00:02,400", "00:00:05,000", "Today: eigenvalues."),
            new Cue(3, "01:00:00,000", "01:02:05,500", "An hour in,"),
            new Cue(4, "01:02:05,500", "01:02:06,400", "we reach"),
            new Cue(5, "01:02:06,400", "01:02:07,300", "the spectral"),
            new Cue(6, "01:02:07,300", "01:02:10,250", "theorem."),
        ], cues);
    }

    [Fact]
    public void Vtt_cues_are_cut_by_line_length_and_word_count_together()
    {
        var byLength = ParseVtt(Text(TranscriptExporter.Export(Lecture, ExportFormat.Vtt, new CueLimits(12, null)))).Skip(3);
        var byBoth = ParseVtt(Text(TranscriptExporter.Export(Lecture, ExportFormat.Vtt, new CueLimits(20, 4)))).Skip(3);

        Assert.Equal(["we reach the", "spectral", "theorem."], byLength.Select(c => c.Text));
        Assert.Equal(["we reach the", "spectral theorem."], byBoth.Select(c => c.Text));
        Assert.Equal(("01:02:05.500", "01:02:06.600"), (byBoth.First().Start, byBoth.First().End));
    }

    [Theory]
    [InlineData(9, null, "max_line_length")]
    [InlineData(501, null, "max_line_length")]
    [InlineData(null, 0, "max_words")]
    [InlineData(40, 101, "max_words")]
    public void Cue_limits_out_of_range_are_a_validation_error_naming_the_parameter(int? maxLineLength, int? maxWords, string field)
    {
        var error = Assert.Throws<LazyLecture.Api.Errors.ValidationFailedException>(() => CueLimits.Validate(maxLineLength, maxWords));

        Assert.Equal([field], error.Errors.Keys);
    }

    [Theory]
    [InlineData(ExportFormat.Srt)]
    [InlineData(ExportFormat.Vtt)]
    public void Subtitle_cues_survive_arrows_blank_lines_and_milliseconds_that_round_up(ExportFormat format)
    {
        var document = Empty with
        {
            Chunks =
            [
                new TranscriptChunk(0, "",
                [
                    new TranscriptSegment(0.9995, 1.9999, "x --> y"),
                    new TranscriptSegment(2, 3, "line one\n\n  \nline two\r\n"),
                    new TranscriptSegment(3, 4, "   "),
                    new TranscriptSegment(4, 4, "-->"),
                    new TranscriptSegment(59.99951, 61, "end"),
                ]),
            ],
        };

        var text = Text(TranscriptExporter.Export(document, format));
        var cues = format == ExportFormat.Srt ? ParseSrt(text) : ParseVtt(text);

        Assert.Equal([1, 2, 3, 4], cues.Select(c => c.Index));
        var separator = format == ExportFormat.Srt ? "," : ".";
        Assert.Equal($"00:00:01{separator}000", cues[0].Start);
        Assert.Equal($"00:00:02{separator}000", cues[0].End);
        Assert.Equal($"00:01:00{separator}000", cues[3].Start);
        Assert.Equal("line one\nline two", cues[1].Text);
        Assert.Equal("end", cues[3].Text);
        Assert.All(cues, cue => Assert.DoesNotContain("-->", cue.Text, StringComparison.Ordinal));
        Assert.StartsWith("x ", cues[0].Text, StringComparison.Ordinal);
        Assert.EndsWith(" y", cues[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Vtt_escapes_markup_characters_in_cue_text()
    {
        var document = Empty with { Chunks = [new TranscriptChunk(0, "", [new TranscriptSegment(0, 1, "a < b & c > d")])] };

        var cue = Assert.Single(ParseVtt(Text(TranscriptExporter.Export(document, ExportFormat.Vtt))));

        Assert.Equal("a &lt; b &amp; c &gt; d", cue.Text);
    }

    [Fact]
    public void Subtitles_of_an_empty_transcript_have_no_cues()
    {
        Assert.Empty(TranscriptExporter.Export(Empty, ExportFormat.Srt).Content);
        Assert.Equal("WEBVTT\n", Text(TranscriptExporter.Export(Empty, ExportFormat.Vtt)));
    }

    [Fact]
    public void Json_has_the_snake_case_fields_with_chunks_and_segments()
    {
        using var json = JsonDocument.Parse(TranscriptExporter.Export(Lecture, ExportFormat.Json).Content);
        var root = json.RootElement;

        Assert.Equal(["transcription_id", "title", "chunks"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(42, root.GetProperty("transcription_id").GetInt32());
        Assert.Equal("Linear algebra, lecture 3", root.GetProperty("title").GetString());
        var chunks = root.GetProperty("chunks").EnumerateArray().ToList();
        Assert.Equal([0, 1], chunks.Select(c => c.GetProperty("chunk_number").GetInt32()));
        Assert.Equal("An hour in, we reach the spectral theorem.", chunks[1].GetProperty("text").GetString());
        var segment = chunks[1].GetProperty("segments")[1];
        Assert.Equal(["start", "end", "text", "words"], segment.EnumerateObject().Select(p => p.Name));
        var word = segment.GetProperty("words")[4];
        Assert.Equal(["start", "end", "text", "probability"], word.EnumerateObject().Select(p => p.Name));
        Assert.Equal((3727.3, 3730.25, "theorem.", 0.1235), (word.GetProperty("start").GetDouble(), word.GetProperty("end").GetDouble(), word.GetProperty("text").GetString(), word.GetProperty("probability").GetDouble()));
        Assert.Equal(0, chunks[0].GetProperty("segments")[0].GetProperty("words").GetArrayLength());
        Assert.Equal(3725.5, segment.GetProperty("start").GetDouble());
        Assert.Equal(3730.25, segment.GetProperty("end").GetDouble());
        Assert.Equal("Good morning.", chunks[0].GetProperty("segments")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void Json_of_an_empty_transcript_has_an_empty_chunk_list()
    {
        using var json = JsonDocument.Parse(TranscriptExporter.Export(Empty, ExportFormat.Json).Content);

        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("chunks").ValueKind);
        Assert.Equal(0, json.RootElement.GetProperty("chunks").GetArrayLength());
    }

    [Theory]
    [InlineData(ExportFormat.Txt, "transcription-42.txt", "text/plain; charset=utf-8")]
    [InlineData(ExportFormat.Docx, "transcription-42.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData(ExportFormat.Srt, "transcription-42.srt", "application/x-subrip")]
    [InlineData(ExportFormat.Vtt, "transcription-42.vtt", "text/vtt")]
    [InlineData(ExportFormat.Json, "transcription-42.json", "application/json")]
    public void Each_format_has_its_file_name_and_content_type(ExportFormat format, string fileName, string contentType)
    {
        var file = TranscriptExporter.Export(Lecture, format);

        Assert.Equal(fileName, file.FileName);
        Assert.Equal(contentType, file.ContentType);
    }

    [Theory]
    [InlineData("txt", ExportFormat.Txt)]
    [InlineData("TXT", ExportFormat.Txt)]
    [InlineData("Docx", ExportFormat.Docx)]
    [InlineData("srt", ExportFormat.Srt)]
    [InlineData("vTT", ExportFormat.Vtt)]
    [InlineData("json", ExportFormat.Json)]
    public void Format_names_parse_ignoring_case(string value, ExportFormat expected)
    {
        Assert.True(TranscriptExporter.TryParseFormat(value, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("pdf")]
    [InlineData("0")]
    [InlineData("4")]
    [InlineData("txt,docx")]
    [InlineData(" txt")]
    [InlineData(".srt")]
    public void Unknown_format_names_do_not_parse(string? value)
    {
        Assert.False(TranscriptExporter.TryParseFormat(value, out _));
    }

    private sealed record Cue(int Index, string Start, string End, string Text);

    private static string Text(ExportFile file) => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file.Content);

    private static List<Paragraph> OpenValidDocx(byte[] content)
    {
        using var stream = new MemoryStream(content);
        using var package = WordprocessingDocument.Open(stream, isEditable: false);
        var errors = new OpenXmlValidator().Validate(package).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();
        Assert.Empty(errors);
        return [.. package.MainDocumentPart!.Document!.Body!.Elements<Paragraph>()];
    }

    private static List<Cue> ParseSrt(string content) => ParseCues(content, ',');

    private static List<Cue> ParseVtt(string content)
    {
        if (content == "WEBVTT\n")
        {
            return [];
        }

        Assert.StartsWith("WEBVTT\n\n", content, StringComparison.Ordinal);
        return ParseCues(content["WEBVTT\n\n".Length..], '.');
    }

    /// <summary>Blocks separated by one blank line, each exactly: index, timing line, one or more non-blank text lines.</summary>
    private static List<Cue> ParseCues(string content, char separator)
    {
        var time = $@"(\d{{2}}):([0-5]\d):([0-5]\d){Regex.Escape(separator.ToString())}(\d{{3}})";
        var block = new Regex($@"\A(?<index>[1-9]\d*)\n(?<start>{time}) --> (?<end>{time})\n(?<text>[^\n]+(?:\n[^\n]+)*)\n\z");
        var cues = new List<Cue>();
        if (content.Length == 0)
        {
            return cues;
        }

        foreach (var text in Regex.Split(content, @"(?<=\n)\n"))
        {
            var match = block.Match(text);
            Assert.True(match.Success, $"Malformed cue: {text}");
            var cue = new Cue(int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture), match.Groups["start"].Value,
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

    private static long Milliseconds(string timestamp)
    {
        var parts = timestamp.Split(':', ',', '.').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + parts[3];
    }
}
