using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.Transcriptions;

public sealed partial class ExportTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task Every_export_format_is_well_formed_with_its_content_type_and_file_name()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, "And so my fellow Americans, ask not.", (0.32, 3.96, "And so my fellow Americans,"), (3.96, 7.5, "ask not."));
        await api.ReportStateAsync(id, "completed");

        var txt = await ExportAsync(api, tokens, id, "txt", "text/plain", "txt");
        var srt = await ExportAsync(api, tokens, id, "srt", "application/x-subrip", "srt");
        var vtt = await ExportAsync(api, tokens, id, "vtt", "text/vtt", "vtt");
        var json = await ExportAsync(api, tokens, id, "json", "application/json", "json");
        var docx = await ExportAsync(api, tokens, id, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx");

        // The text under its chapters' headings ("00:00 Title"): the completed job was divided into chapters.
        var text = Encoding.UTF8.GetString(txt).Trim();
        Assert.Matches(@"^00:00 \S", text);
        Assert.EndsWith("\n\nAnd so my fellow Americans, ask not.", text, StringComparison.Ordinal);
        var cues = SrtCue().Matches(Encoding.UTF8.GetString(srt));
        Assert.Equal(2, cues.Count);
        Assert.Equal("00:00:00,320", cues[0].Groups["start"].Value);
        Assert.Equal("00:00:07,500", cues[1].Groups["end"].Value);
        var webVtt = Encoding.UTF8.GetString(vtt);
        Assert.StartsWith("WEBVTT", webVtt, StringComparison.Ordinal);
        Assert.Equal(2, VttCue().Matches(webVtt).Count);
        var document = JsonNode.Parse(json)!;
        Assert.Equal(id, document["transcription_id"]!.GetValue<int>());
        Assert.Equal(2, document["chunks"]![0]!["segments"]!.AsArray().Count);
        using var package = new ZipArchive(new MemoryStream(docx));
        var body = new StreamReader(package.GetEntry("word/document.xml")!.Open()).ReadToEnd();
        Assert.Contains("ask not.", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_export_format_is_422()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);

        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/export?format=pdf", tokens.Access);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    private static async Task<byte[]> ExportAsync(ApiSession api, Tokens tokens, int id, string format, string contentType, string extension)
    {
        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/export?format={format}", tokens.Access);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"transcription-{id}.{extension}", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        return await response.Content.ReadAsByteArrayAsync(ApiSession.Cancellation);
    }

    [GeneratedRegex(@"^\d+\r?\n(?<start>\d{2}:\d{2}:\d{2},\d{3}) --> (?<end>\d{2}:\d{2}:\d{2},\d{3})\r?\n.+", RegexOptions.Multiline)]
    private static partial Regex SrtCue();

    [GeneratedRegex(@"^(?<start>\d{2}:\d{2}:\d{2}\.\d{3}) --> (?<end>\d{2}:\d{2}:\d{2}\.\d{3})\r?\n.+", RegexOptions.Multiline)]
    private static partial Regex VttCue();
}
