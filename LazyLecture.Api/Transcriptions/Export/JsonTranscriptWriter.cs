using System.Text.Encodings.Web;
using System.Text.Json;

namespace LazyLecture.Api.Transcriptions.Export;

/// <summary>The transcript with its segments as snake_case JSON, written field by field so the names are fixed here.</summary>
internal static class JsonTranscriptWriter
{
    // A file download, never embedded in HTML: readable non-ASCII text beats \u escapes.
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(TranscriptDocument document)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteNumber("transcription_id", document.TranscriptionId);
            json.WriteString("title", document.Title);
            json.WriteStartArray("chunks");
            foreach (var chunk in document.Chunks)
            {
                json.WriteStartObject();
                json.WriteNumber("chunk_number", chunk.ChunkNumber);
                json.WriteString("text", chunk.Text);
                json.WriteStartArray("segments");
                foreach (var segment in chunk.Segments)
                {
                    json.WriteStartObject();
                    json.WriteNumber("start", Seconds(segment.Start));
                    json.WriteNumber("end", Seconds(segment.End));
                    json.WriteString("text", segment.Text?.Trim() ?? "");
                    json.WriteStartArray("words");
                    foreach (var word in segment.Words)
                    {
                        json.WriteStartObject();
                        json.WriteNumber("start", Seconds(word.Start));
                        json.WriteNumber("end", Seconds(word.End));
                        json.WriteString("text", word.Text);
                        json.WriteNumber("probability", double.IsFinite(word.Probability) ? Math.Round(word.Probability, 4) : 0);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("chapters");
            foreach (var chapter in document.Chapters)
            {
                json.WriteStartObject();
                json.WriteNumber("start", Seconds(chapter.Start));
                json.WriteNumber("end", Seconds(chapter.End));
                json.WriteString("title", chapter.Title);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    // JSON has no NaN or infinity, and millisecond precision avoids noise such as 1.2300000000000002.
    private static double Seconds(double value) => double.IsFinite(value) && value > 0 ? Math.Round(value, 3, MidpointRounding.AwayFromZero) : 0;
}
