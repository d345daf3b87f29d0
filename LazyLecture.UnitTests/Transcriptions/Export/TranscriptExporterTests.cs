using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using LazyLecture.Api.Captions;
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
    public void Srt_cues_keep_the_default_rules_and_follow_the_words_in_order_with_well_formed_times()
    {
        var cues = SubtitleFile.ParseSrt(Text(TranscriptExporter.Export(Lecture, ExportFormat.Srt)));

        // Segments without words are timed by their text's length; the 125 s segment "An hour in," gets one word per cue, each cut at 7 s.
        Assert.Equal(
        [
            new SubtitleCue(1, "00:00:00,000", "00:00:05,000", "Good morning. Today: eigenvalues."),
            new SubtitleCue(2, "01:00:00,000", "01:00:07,000", "An"),
            new SubtitleCue(3, "01:00:31,375", "01:00:38,375", "hour"),
            new SubtitleCue(4, "01:01:23,666", "01:01:30,666", "in,"),
            new SubtitleCue(5, "01:02:05,500", "01:02:10,250", "we reach the spectral theorem."),
        ], cues);
    }

    [Fact]
    public void Vtt_has_the_header_and_the_same_cues_as_srt()
    {
        var srt = SubtitleFile.ParseSrt(Text(TranscriptExporter.Export(Lecture, ExportFormat.Srt)));
        var vtt = SubtitleFile.ParseVtt(Text(TranscriptExporter.Export(Lecture, ExportFormat.Vtt)));

        Assert.Equal(srt.Select(c => (c.Index, c.StartMs, c.EndMs, c.Text)), vtt.Select(c => (c.Index, c.StartMs, c.EndMs, c.Text)));
    }

    [Fact]
    public void Srt_cues_are_cut_by_word_count_when_asked_and_timed_by_their_words()
    {
        var document = Lecture with { Chunks = [Lecture.Chunks[1] with { Segments = [Lecture.Chunks[1].Segments[1]] }] };

        var cues = SubtitleFile.ParseSrt(Text(TranscriptExporter.Export(document, ExportFormat.Srt, CaptionRules.Default with { MaxWords = 2 })));

        // "we reach" (0.9 s) starts 0.1 s early to stay a second on screen; "the spectral" has no silence around it to take.
        Assert.Equal(
        [
            new SubtitleCue(1, "01:02:05,400", "01:02:06,400", "we reach"),
            new SubtitleCue(2, "01:02:06,400", "01:02:07,300", "the spectral"),
            new SubtitleCue(3, "01:02:07,300", "01:02:10,250", "theorem."),
        ], cues);
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
                    new TranscriptSegment(10, 11, "line one\n\n  \nline two\r\n"),
                    new TranscriptSegment(20, 21, "   "),
                    new TranscriptSegment(30, 30, "-->"),
                    new TranscriptSegment(59.99951, 61, "end"),
                ]),
            ],
        };

        var text = Text(TranscriptExporter.Export(document, format));
        var cues = format == ExportFormat.Srt ? SubtitleFile.ParseSrt(text) : SubtitleFile.ParseVtt(text);

        Assert.Equal([1, 2, 3, 4], cues.Select(c => c.Index));
        var separator = format == ExportFormat.Srt ? "," : ".";
        Assert.Equal($"00:00:01{separator}000", cues[0].Start);
        Assert.Equal($"00:00:02{separator}000", cues[0].End);
        Assert.Equal($"00:01:00{separator}000", cues[3].Start);
        Assert.Equal("line one line two", cues[1].Text); // the rules set the lines, not the engine's line breaks
        Assert.Equal("end", cues[3].Text);
        Assert.All(cues, cue => Assert.DoesNotContain("-->", cue.Text, StringComparison.Ordinal));
        Assert.StartsWith("x ", cues[0].Text, StringComparison.Ordinal);
        Assert.EndsWith(" y", cues[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Vtt_escapes_markup_characters_in_cue_text()
    {
        var document = Empty with { Chunks = [new TranscriptChunk(0, "", [new TranscriptSegment(0, 1, "a < b & c > d")])] };

        var cue = Assert.Single(SubtitleFile.ParseVtt(Text(TranscriptExporter.Export(document, ExportFormat.Vtt))));

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

        Assert.Equal(["transcription_id", "title", "chunks", "chapters"], root.EnumerateObject().Select(p => p.Name));
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

    private static readonly TranscriptDocument WithChapters = Lecture with
    {
        Chapters = [new TranscriptChapter(0, 5, "Eigenvalues, morning"), new TranscriptChapter(3599.9996, 3730.25, "Spectral, theorem")],
    };

    [Fact]
    public void Chapters_export_as_the_list_people_paste_under_a_video()
    {
        Assert.Equal("00:00 Eigenvalues, morning\n1:00:00 Spectral, theorem\n", Text(TranscriptExporter.Export(WithChapters, ExportFormat.Chapters)));
        Assert.Equal("transcription-42.chapters.txt", TranscriptExporter.Export(WithChapters, ExportFormat.Chapters).FileName);
    }

    [Fact]
    public void Chapters_export_as_a_webvtt_chapters_track()
    {
        var file = TranscriptExporter.Export(WithChapters, ExportFormat.ChaptersVtt);

        Assert.Equal(("text/vtt", "transcription-42.chapters.vtt"), (file.ContentType, file.FileName));
        Assert.Equal(
        [
            new SubtitleCue(1, "00:00:00.000", "00:00:05.000", "Eigenvalues, morning"),
            new SubtitleCue(2, "01:00:00.000", "01:02:10.250", "Spectral, theorem"),
        ], SubtitleFile.ParseVtt(Text(file)));
    }

    [Fact]
    public void Txt_docx_and_json_carry_the_chapters_as_headings_above_their_text()
    {
        Assert.Equal("00:00 Eigenvalues, morning\n\nGood morning. Today: eigenvalues.\n\n1:00:00 Spectral, theorem\n\nAn hour in, we reach the spectral theorem.",
            Text(TranscriptExporter.Export(WithChapters, ExportFormat.Txt)));

        var paragraphs = OpenValidDocx(TranscriptExporter.Export(WithChapters, ExportFormat.Docx).Content);
        Assert.Equal(["Linear algebra, lecture 3", "00:00 Eigenvalues, morning", "Good morning. Today: eigenvalues.", "1:00:00 Spectral, theorem", "An hour in, we reach the spectral theorem."],
            paragraphs.Select(p => p.InnerText));
        Assert.Equal("Heading1", paragraphs[1].ParagraphProperties?.ParagraphStyleId?.Val?.Value);

        using var json = JsonDocument.Parse(TranscriptExporter.Export(WithChapters, ExportFormat.Json).Content);
        var chapter = json.RootElement.GetProperty("chapters")[1];
        Assert.Equal((3600.0, 3730.25, "Spectral, theorem"), (chapter.GetProperty("start").GetDouble(), chapter.GetProperty("end").GetDouble(), chapter.GetProperty("title").GetString()));
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
    [InlineData("chapters", ExportFormat.Chapters)]
    [InlineData("Chapters_VTT", ExportFormat.ChaptersVtt)]
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

    private static string Text(ExportFile file) => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file.Content);

    private static List<Paragraph> OpenValidDocx(byte[] content)
    {
        using var stream = new MemoryStream(content);
        using var package = WordprocessingDocument.Open(stream, isEditable: false);
        var errors = new OpenXmlValidator().Validate(package).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();
        Assert.Empty(errors);
        return [.. package.MainDocumentPart!.Document!.Body!.Elements<Paragraph>()];
    }
}
