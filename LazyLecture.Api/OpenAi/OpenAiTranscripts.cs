using System.Text;
using System.Text.Json.Serialization;
using LazyLecture.Contracts.Jobs;
using LazyLecture.Api.Captions;
using LazyLecture.Api.Transcriptions.Export;

namespace LazyLecture.Api.OpenAi;

/// <summary>OpenAI's <c>json</c> answer.</summary>
public sealed record OpenAiTranscript(string Text, OpenAiUsage Usage);

/// <summary>Whisper-style billing information: seconds of audio.</summary>
public sealed record OpenAiUsage(string Type, int Seconds);

/// <summary>OpenAI's <c>verbose_json</c> answer; <c>segments</c> and <c>words</c> only when their granularity is asked for.</summary>
public sealed record OpenAiVerboseTranscript(
    string Task,
    string Language,
    double Duration,
    string Text,
    IReadOnlyList<OpenAiSegment>? Segments,
    IReadOnlyList<OpenAiWord>? Words,
    OpenAiUsage Usage);

/// <summary>
/// A segment as OpenAI describes it, with the statistics the engine reported for it (see <see cref="SegmentDecoding"/>):
/// <c>seek</c> is its window's start in 10 ms frames (its chunk's start when the engine does not tell), <c>temperature</c>
/// the one its window was accepted at (the requested one when the engine does not tell); a statistic the engine has not
/// got is left out rather than made up, and <c>tokens</c> is then empty.
/// </summary>
public sealed record OpenAiSegment(
    int Id,
    int Seek,
    double Start,
    double End,
    string Text,
    IReadOnlyList<int> Tokens,
    float Temperature,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? AvgLogprob,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? CompressionRatio,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? NoSpeechProb);

public sealed record OpenAiWord(string Word, double Start, double End);

/// <summary>Builds the answers of <c>/v1/audio/transcriptions</c> and <c>/translations</c> from a finished transcript.</summary>
public static class OpenAiTranscripts
{
    /// <summary>The whole text: the chunks' texts joined by a space (OpenAI answers with one paragraph).</summary>
    public static string Text(TranscriptDocument document) =>
        string.Join(' ', document.Chunks.Select(c => c.Text.Trim()).Where(t => t.Length > 0));

    public static IResult Render(TranscriptDocument document, OpenAiAudioRequest request, double durationSecs, double chunkSizeSecs)
    {
        var text = Text(document);
        var usage = new OpenAiUsage("duration", (int)Math.Ceiling(durationSecs));
        return request.Format switch
        {
            OpenAiResponseFormat.Text => PlainText(text + "\n"),
            // text/plain as OpenAI sends them: its SDKs read subtitles as text only when the type says so.
            OpenAiResponseFormat.Srt => PlainText(SubtitleWriter.Srt(CueBuilder.OnePerSegment(document))),
            OpenAiResponseFormat.Vtt => PlainText(SubtitleWriter.Vtt(CueBuilder.OnePerSegment(document))),
            OpenAiResponseFormat.VerboseJson => Json(new OpenAiVerboseTranscript(
                request.Translate ? "translate" : "transcribe",
                LanguageName(request.Translate ? "en" : request.Language ?? "en"),
                Math.Round(durationSecs, 3),
                text,
                request.SegmentTimestamps ? Segments(document, chunkSizeSecs, request.Temperature ?? 0) : null,
                request.WordTimestamps ? [.. document.Chunks.SelectMany(c => c.Segments).SelectMany(TranscriptWords.Of)] : null,
                usage)),
            _ => Json(new OpenAiTranscript(text, usage)),
        };
    }

    private static List<OpenAiSegment> Segments(TranscriptDocument document, double chunkSizeSecs, float temperature)
    {
        var id = 0;
        return [.. document.Chunks.SelectMany(chunk => chunk.Segments.Select(segment => new OpenAiSegment(
            id++,
            segment.Decoding?.Seek ?? (int)Math.Round(chunk.ChunkNumber * chunkSizeSecs * 100),
            Math.Round(segment.Start, 3),
            Math.Round(segment.End, 3),
            segment.Text,
            segment.Decoding?.Tokens ?? [],
            segment.Decoding?.Temperature ?? temperature,
            segment.Decoding?.AvgLogprob,
            segment.Decoding?.CompressionRatio,
            segment.Decoding?.NoSpeechProb)))];
    }

    // Whisper's own language names for the most used languages (the process runs with invariant globalization, so .NET's
    // culture names are not available); any other language is answered with its code.
    private static readonly Dictionary<string, string> LanguageNames = new(StringComparer.Ordinal)
    {
        ["en"] = "english", ["de"] = "german", ["fr"] = "french", ["es"] = "spanish", ["it"] = "italian", ["pt"] = "portuguese",
        ["nl"] = "dutch", ["pl"] = "polish", ["ru"] = "russian", ["uk"] = "ukrainian", ["cs"] = "czech", ["sv"] = "swedish",
        ["da"] = "danish", ["fi"] = "finnish", ["no"] = "norwegian", ["tr"] = "turkish", ["el"] = "greek", ["lv"] = "latvian",
        ["ar"] = "arabic", ["he"] = "hebrew", ["hi"] = "hindi", ["zh"] = "chinese", ["ja"] = "japanese", ["ko"] = "korean",
    };

    /// <summary>OpenAI names the language in English words (<c>english</c>), not by code.</summary>
    public static string LanguageName(string code) => LanguageNames.GetValueOrDefault(code, code);

    private static IResult PlainText(string body) => Results.Text(body, "text/plain; charset=utf-8", Encoding.UTF8);

    private static IResult Json<T>(T body) => Results.Json(body, OpenAiErrorWriter.Json, "application/json; charset=utf-8");
}
