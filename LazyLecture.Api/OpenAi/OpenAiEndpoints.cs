using LazyLecture.Api.Auth;
using LazyLecture.Api.Transcriptions;
using LazyLecture.Api.Transcriptions.Live;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LazyLecture.Api.OpenAi;

/// <summary>
/// OpenAI's audio API on LazyLecture (<c>/v1</c>): tools and SDKs written for it work by changing the base URL and the key.
/// Authentication is a personal API key (or an access token) as <c>Authorization: Bearer</c>; errors are OpenAI's shape.
/// </summary>
public static class OpenAiEndpoints
{
    public sealed record ModelResponse(string Id, string Object, long Created, string OwnedBy);

    public sealed record ModelList(string Object, IReadOnlyList<ModelResponse> Data);

    /// <summary>For the OpenAPI document only: the form is read as a stream, not bound.</summary>
    public sealed record AudioForm(IFormFile File, string Model, string? Language, string? Prompt, string? ResponseFormat, float? Temperature, string? Stream);

    private const string TranscriptionDescription =
        """
        OpenAI's multipart form: `file` (any format ffmpeg decodes, judged by content; 0.1 s to 2 h), `model` (see GET /v1/models;
        OpenAI's names such as whisper-1 run on the configured model), `language`, `prompt`, `response_format` (json, text, srt,
        vtt, verbose_json), `temperature`, `timestamp_granularities[]` (segment, word; with verbose_json), `stream` (true:
        Server-Sent Events `transcript.text.delta` … `transcript.text.done`). It creates an ordinary transcription of the caller
        and answers when it is finished; past the time limit a 409 names the transcription to follow. While another
        transcription of the caller runs, the call waits for it (429 with Retry-After if it does not finish within the limit).
        """;

    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup(OpenAiErrorWriter.RoutePrefix).WithTags("OpenAI-compatible").RequireAuthorization();

        v1.MapPost("/audio/transcriptions", (HttpContext http, OpenAiAudioRequestReader reader, OpenAiTranscriptions calls, UserTranscriptions owned,
                IOptions<OpenAiOptions> options, CancellationToken ct) =>
                HandleAsync(http, translate: false, reader, calls, owned, options.Value, ct))
            .Accepts<AudioForm>("multipart/form-data")
            .DisableAntiforgery()
            .WithSummary("Transcribe audio (OpenAI-compatible)")
            .WithDescription(TranscriptionDescription)
            .Produces<OpenAiTranscript>()
            .Produces<OpenAiVerboseTranscript>()
            .Produces<string>(StatusCodes.Status200OK, "text/plain", "text/event-stream")
            .Produces<OpenAiErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<OpenAiErrorBody>(StatusCodes.Status401Unauthorized)
            .Produces<OpenAiErrorBody>(StatusCodes.Status403Forbidden)
            .Produces<OpenAiErrorBody>(StatusCodes.Status409Conflict)
            .Produces<OpenAiErrorBody>(StatusCodes.Status413PayloadTooLarge)
            .Produces<OpenAiErrorBody>(StatusCodes.Status429TooManyRequests);

        v1.MapPost("/audio/translations", (HttpContext http, OpenAiAudioRequestReader reader, OpenAiTranscriptions calls, UserTranscriptions owned,
                IOptions<OpenAiOptions> options, CancellationToken ct) =>
                HandleAsync(http, translate: true, reader, calls, owned, options.Value, ct))
            .Accepts<AudioForm>("multipart/form-data")
            .DisableAntiforgery()
            .WithSummary("Translate audio into English (OpenAI-compatible; multilingual models only)")
            .WithDescription("As /v1/audio/transcriptions, with the task translate: the text is English whatever was spoken. No language, no streaming.")
            .Produces<OpenAiTranscript>()
            .Produces<OpenAiVerboseTranscript>()
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .Produces<OpenAiErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<OpenAiErrorBody>(StatusCodes.Status401Unauthorized)
            .Produces<OpenAiErrorBody>(StatusCodes.Status409Conflict)
            .Produces<OpenAiErrorBody>(StatusCodes.Status429TooManyRequests);

        v1.MapGet("/models", Ok<ModelList> (IOptions<OpenAiOptions> options) =>
                TypedResults.Ok(new ModelList("list", [.. options.Value.ModelNames.Select(Model)])))
            .WithSummary("The models a transcription can name: the one the workers run, and OpenAI's names for it")
            .Produces<OpenAiErrorBody>(StatusCodes.Status401Unauthorized);

        v1.MapGet("/models/{model}", Ok<ModelResponse> (string model, IOptions<OpenAiOptions> options) =>
                options.Value.Knows(model)
                    ? TypedResults.Ok(Model(options.Value.ModelNames.First(m => string.Equals(m, model, StringComparison.OrdinalIgnoreCase))))
                    : throw new OpenAiRequestException(StatusCodes.Status404NotFound, $"The model '{model}' does not exist.", "model", "model_not_found"))
            .WithSummary("One model")
            .Produces<OpenAiErrorBody>(StatusCodes.Status401Unauthorized)
            .Produces<OpenAiErrorBody>(StatusCodes.Status404NotFound);

        return app;
    }

    private static ModelResponse Model(string id) => new(id, "model", 0, "lazylecture");

    private static async Task<IResult> HandleAsync(HttpContext http, bool translate, OpenAiAudioRequestReader reader, OpenAiTranscriptions calls,
        UserTranscriptions owned, OpenAiOptions options, CancellationToken ct)
    {
        var userId = TranscriptionEndpoints.RequireCanInteract(http.User);
        var deadline = DateTimeOffset.UtcNow + options.ResponseTimeout;
        using var request = await reader.ReadAsync(http.Request, translate, options, ct);
        var transcription = await calls.StartAsync(userId, request, deadline, ct);
        if (request.Stream)
        {
            return new OpenAiTranscriptionStream(userId, transcription.Id, deadline);
        }

        var state = await calls.WaitUntilFinishedAsync(userId, transcription.Id, deadline, ct);
        if (state.CurrentState != Contracts.TranscriptionState.Completed)
        {
            throw OpenAiTranscriptions.NotCompleted(state);
        }

        var document = await owned.ReadDocumentAsync(userId, transcription.Id, ct);
        return OpenAiTranscripts.Render(document, request, transcription.AudioLenSecs, transcription.ChunkSizeSecs);
    }

    public static IHostApplicationBuilder AddOpenAiCompatibility(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OpenAiOptions>().BindConfiguration(OpenAiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<OpenAiAudioRequestReader>();
        builder.Services.AddScoped<OpenAiTranscriptions>();
        // Before AddProblemDetails' default writer, which would otherwise answer first: on /v1 errors take OpenAI's shape.
        builder.Services.AddSingleton<IProblemDetailsWriter, OpenAiErrorWriter>();
        return builder;
    }
}
