using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace LazyLecture.Api.Transcriptions.Export;

/// <summary>A Word document: the title as a heading, then one paragraph per chunk, or with chapters a heading and a paragraph per chapter.</summary>
internal static class DocxWriter
{
    private const string TitleStyleId = "Title";
    private const string HeadingStyleId = "Heading1";

    public static byte[] Write(TranscriptDocument document)
    {
        using var buffer = new MemoryStream();
        using (var package = WordprocessingDocument.Create(buffer, WordprocessingDocumentType.Document))
        {
            var main = package.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = Styles();

            var body = new Body();
            var title = string.IsNullOrWhiteSpace(document.Title)
                ? string.Create(CultureInfo.InvariantCulture, $"Transcription {document.TranscriptionId}")
                : document.Title;
            body.Append(Paragraph(title, TitleStyleId));
            if (document.Chapters.Count == 0)
            {
                foreach (var chunk in document.Chunks)
                {
                    body.Append(Paragraph(chunk.Text, styleId: null));
                }
            }
            else
            {
                foreach (var (chapter, text) in document.ChapterTexts())
                {
                    body.Append(Paragraph($"{TranscriptExporter.ChapterClock(chapter.Start)} {chapter.Title}", HeadingStyleId));
                    body.Append(Paragraph(text, styleId: null));
                }
            }

            body.Append(new SectionProperties());
            main.Document = new Document(body);
        }

        return buffer.ToArray();
    }

    /// <summary>A paragraph whose line breaks and tabs stay visible (Word shows a raw newline as a space).</summary>
    private static Paragraph Paragraph(string? text, string? styleId)
    {
        var paragraph = new Paragraph();
        if (styleId is not null)
        {
            paragraph.Append(new ParagraphProperties(new ParagraphStyleId { Val = styleId }));
        }

        var run = new Run();
        var lines = XmlSafe(text ?? "").ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                run.Append(new Break());
            }

            var parts = lines[i].Split('\t');
            for (var j = 0; j < parts.Length; j++)
            {
                if (j > 0)
                {
                    run.Append(new TabChar());
                }

                if (parts[j].Length > 0)
                {
                    run.Append(new Text(parts[j]) { Space = SpaceProcessingModeValues.Preserve });
                }
            }
        }

        paragraph.Append(run);
        return paragraph;
    }

    // The title style is defined in the package so Word renders the heading as one, not as unknown-style body text.
    private static Styles Styles() => new(
        new Style(
            new StyleName { Val = TitleStyleId },
            new BasedOn { Val = "Normal" },
            new NextParagraphStyle { Val = "Normal" },
            new PrimaryStyle(),
            new StyleParagraphProperties(new SpacingBetweenLines { After = "240" }),
            new StyleRunProperties(new Bold(), new FontSize { Val = "40" }))
        { Type = StyleValues.Paragraph, StyleId = TitleStyleId },
        new Style(
            new StyleName { Val = "heading 1" },
            new BasedOn { Val = "Normal" },
            new NextParagraphStyle { Val = "Normal" },
            new PrimaryStyle(),
            new StyleParagraphProperties(new KeepNext(), new SpacingBetweenLines { Before = "240", After = "120" }, new OutlineLevel { Val = 0 }),
            new StyleRunProperties(new Bold(), new FontSize { Val = "32" }))
        { Type = StyleValues.Paragraph, StyleId = HeadingStyleId },
        new Style(new StyleName { Val = "Normal" }, new PrimaryStyle())
        { Type = StyleValues.Paragraph, StyleId = "Normal", Default = true });

    // Characters XML 1.0 cannot hold (most control characters, lone surrogates) would make the package unwritable.
    private static string XmlSafe(string text)
    {
        var safe = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                safe.Append(c).Append(text[++i]);
            }
            else if (!char.IsSurrogate(c) && (c is '\t' or '\n' or '\r' || (c >= 0x20 && c != 0xFFFE && c != 0xFFFF)))
            {
                safe.Append(c);
            }
        }

        return safe.ToString();
    }
}
