using System.Text;
using LazyLecture.Api.Transcriptions;
using LazyLecture.Api.Transcriptions.Audio;
using LazyLecture.Api.Transcriptions.Intake;
using LazyLecture.Api.Validation;
using LazyLecture.Contracts.Jobs;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace LazyLecture.Api.OpenAi;

public enum OpenAiResponseFormat
{
    Json,
    Text,
    Srt,
    Vtt,
    VerboseJson,
}

/// <summary>One call of <c>/v1/audio/transcriptions</c> or <c>/v1/audio/translations</c>, read and checked; the file is staged.</summary>
public sealed record OpenAiAudioRequest(
    StagedAudio File,
    string? FileName,
    string Model,
    string? Language,
    string? Prompt,
    float? Temperature,
    OpenAiResponseFormat Format,
    bool SegmentTimestamps,
    bool WordTimestamps,
    bool Stream,
    bool Translate,
    VoiceActivityRequest VoiceActivity) : IDisposable
{
    public void Dispose() => File.Dispose();
}

/// <summary>
/// Reads OpenAI's multipart form as it streams in: the <c>file</c> goes straight to the audio store's staging area (never
/// whole in memory), the other fields are small. Whatever the order of the parts, every rule is checked once all are read.
/// </summary>
public sealed class OpenAiAudioRequestReader(UploadIntake intake)
{
    public const string FileField = "file";

    // Far more than any real value (a prompt is at most 2000 characters); a larger field is refused, not buffered.
    private const int MaxFieldBytes = 16 * 1024;

    public async Task<OpenAiAudioRequest> ReadAsync(HttpRequest request, bool translate, OpenAiOptions options, CancellationToken cancellationToken)
    {
        intake.CapBody(request.HttpContext);
        if (!request.HasFormContentType || !MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= MultipartUpload.MaxBoundaryLength } boundary)
        {
            throw OpenAiRequestException.Invalid(FileField, "Send the request as multipart/form-data with the audio in the field 'file'.", "invalid_request");
        }

        var fields = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        StagedAudio? staged = null;
        string? fileName = null;
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value is not { } rawName)
                {
                    continue;
                }

                var name = rawName.Trim('"');
                if (disposition.IsFileDisposition() && name == FileField)
                {
                    if (staged is not null)
                    {
                        throw OpenAiRequestException.Invalid(FileField, "Send exactly one file.");
                    }

                    staged = await intake.StageAsync(section.Body, cancellationToken);
                    fileName = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value);
                }
                else if (!disposition.IsFileDisposition())
                {
                    (fields.TryGetValue(name, out var values) ? values : fields[name] = []).Add(await ReadFieldAsync(section.Body, name, cancellationToken));
                }
            }

            if (staged is null)
            {
                throw OpenAiRequestException.Invalid(FileField, "The multipart field 'file' with the audio is required.", "missing_required_parameter");
            }

            var parsed = Parse(fields, staged, fileName, translate, options);
            staged = null; // owned by the request from here on
            return parsed;
        }
        catch (Exception ex) when (MultipartUpload.IsMalformedBody(ex, request.HttpContext))
        {
            throw MultipartUpload.Malformed(ex); // a 400 (in OpenAI's error shape on these routes), never a 500
        }
        finally
        {
            staged?.Dispose();
        }
    }

    private static OpenAiAudioRequest Parse(Dictionary<string, List<string>> fields, StagedAudio file, string? fileName, bool translate, OpenAiOptions options)
    {
        string? One(string name) => fields.TryGetValue(name, out var values) ? values[^1].Trim() : null;

        var model = One("model");
        if (string.IsNullOrEmpty(model))
        {
            throw OpenAiRequestException.Invalid("model", "The field 'model' is required: " + string.Join(", ", options.ModelNames) + ".", "missing_required_parameter");
        }

        if (!options.Knows(model))
        {
            throw OpenAiRequestException.Invalid("model", $"The model '{model}' does not exist here; use one of {string.Join(", ", options.ModelNames)}.", "model_not_found");
        }

        if (translate && !options.IsMultilingual)
        {
            throw OpenAiRequestException.Invalid("model", $"The model '{options.Model}' knows English only, so it cannot translate.", "unsupported_value");
        }

        var language = translate ? null : One("language")?.ToLowerInvariant();
        if (language is { Length: > 0 } && (language.Length is < 2 or > 3 || !language.All(char.IsAsciiLetterLower)))
        {
            throw OpenAiRequestException.Invalid("language", "language must be an ISO-639-1 code such as 'en' or 'de'.");
        }

        if (language is { Length: > 0 } && language != "en" && !options.IsMultilingual)
        {
            throw OpenAiRequestException.Invalid("language", $"The model '{options.Model}' knows English only.", "unsupported_value");
        }

        var prompt = One("prompt");
        if (prompt is { Length: > Transcription.MaxPromptLength })
        {
            throw OpenAiRequestException.Invalid("prompt", $"prompt may be at most {Transcription.MaxPromptLength} characters.");
        }

        float? temperature = null;
        if (One("temperature") is { Length: > 0 } rawTemperature)
        {
            temperature = InvariantNumbers.TryParseReal(rawTemperature, out var t) && t is >= 0 and <= 1
                ? (float)t
                : throw OpenAiRequestException.Invalid("temperature", "temperature must be a number from 0 to 1.");
        }

        var format = ParseFormat(One("response_format"));
        var granularities = (fields.GetValueOrDefault("timestamp_granularities[]") ?? []).Concat(fields.GetValueOrDefault("timestamp_granularities") ?? [])
            .Select(g => g.Trim()).ToList();
        if (granularities.Any(g => g is not ("segment" or "word")))
        {
            throw OpenAiRequestException.Invalid("timestamp_granularities", "timestamp_granularities[] accepts 'segment' and 'word'.");
        }

        if (granularities.Count > 0 && format != OpenAiResponseFormat.VerboseJson)
        {
            throw OpenAiRequestException.Invalid("timestamp_granularities", "timestamp_granularities[] needs response_format=verbose_json.");
        }

        var stream = One("stream") switch
        {
            null or "" or "false" or "False" => false,
            "true" or "True" => true,
            _ => throw OpenAiRequestException.Invalid("stream", "stream must be true or false."),
        };
        if (stream && translate)
        {
            throw OpenAiRequestException.Invalid("stream", "Translations are not streamed.", "unsupported_value");
        }

        return new OpenAiAudioRequest(file, fileName, model, language is { Length: > 0 } ? language : null, string.IsNullOrEmpty(prompt) ? null : prompt, temperature, format,
            SegmentTimestamps: granularities.Count == 0 || granularities.Contains("segment"), WordTimestamps: granularities.Contains("word"), stream, translate,
            ParseChunkingStrategy(One("chunking_strategy")));
    }

    private const string ChunkingStrategyRule =
        "chunking_strategy must be \"auto\" or {\"type\": \"server_vad\"} with optional threshold (0 to 1), prefix_padding_ms (0 to 10000) and silence_duration_ms (0 to 60000).";

    /// <summary>
    /// OpenAI's <c>chunking_strategy</c>: unset, the audio is transcribed as one block (here: the whole recording, in fixed
    /// chunks, without voice activity detection); <c>auto</c> cuts at the speech voice activity detection finds;
    /// <c>server_vad</c> does so with its own speech threshold, padding before speech and silence that ends speech.
    /// </summary>
    private static VoiceActivityRequest ParseChunkingStrategy(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return new VoiceActivityRequest(Enabled: false);
        }

        if (value == "auto")
        {
            return VoiceActivityRequest.Default;
        }

        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(value);
            var root = json.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != System.Text.Json.JsonValueKind.String || type.GetString() != "server_vad"
                || root.EnumerateObject().Any(p => p.Name is not ("type" or "threshold" or "prefix_padding_ms" or "silence_duration_ms")))
            {
                throw OpenAiRequestException.Invalid("chunking_strategy", ChunkingStrategyRule);
            }

            float? threshold = Number(root, "threshold", 0, 1) is { } t ? (float)t : null;
            var padding = Number(root, "prefix_padding_ms", 0, 10_000, integer: true);
            var silence = Number(root, "silence_duration_ms", 0, 60_000, integer: true);
            return new VoiceActivityRequest(true, threshold, (int?)padding, (int?)silence);
        }
        catch (System.Text.Json.JsonException)
        {
            throw OpenAiRequestException.Invalid("chunking_strategy", ChunkingStrategyRule);
        }

        static double? Number(System.Text.Json.JsonElement root, string name, double min, double max, bool integer = false)
        {
            if (!root.TryGetProperty(name, out var property) || property.ValueKind == System.Text.Json.JsonValueKind.Null)
            {
                return null;
            }

            return property.ValueKind == System.Text.Json.JsonValueKind.Number && property.TryGetDouble(out var number)
                && number >= min && number <= max && (!integer || number == Math.Floor(number))
                ? number
                : throw OpenAiRequestException.Invalid("chunking_strategy", ChunkingStrategyRule);
        }
    }

    private static OpenAiResponseFormat ParseFormat(string? value) => value switch
    {
        null or "" or "json" => OpenAiResponseFormat.Json,
        "text" => OpenAiResponseFormat.Text,
        "srt" => OpenAiResponseFormat.Srt,
        "vtt" => OpenAiResponseFormat.Vtt,
        "verbose_json" => OpenAiResponseFormat.VerboseJson,
        _ => throw OpenAiRequestException.Invalid("response_format", "response_format must be one of json, text, srt, verbose_json, vtt."),
    };

    private static async Task<string> ReadFieldAsync(Stream body, string name, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
            if (length > MaxFieldBytes)
            {
                throw OpenAiRequestException.Invalid(name, $"The field '{name}' is too long.");
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
