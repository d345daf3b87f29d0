using LazyLecture.Api.Auth;
using LazyLecture.Api.Errors;
using LazyLecture.Api.Transcriptions;
using LazyLecture.Api.Transcriptions.Export;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace LazyLecture.Api.Compat;

/// <summary>
/// The original service's transcription routes, parameters and shapes on the same handlers. Fixed defects: ownership
/// (another user's transcription is 404), chunk paging, audio named by transcription id, no server path in responses,
/// Problem Details instead of 418.
/// </summary>
public static class TranscriptionCompatEndpoints
{
    public sealed record UploadAccepted(string Message, int TaskId, string File);

    public sealed record Health(bool Api, bool Database);

    public static IEndpointRouteBuilder MapTranscriptionsCompatApi(this IEndpointRouteBuilder app)
    {
        var compat = app.MapGroup("").WithTags("Compatibility");

        compat.MapGet("/", async Task<Ok<Health>> (NpgsqlDataSource database, CancellationToken ct) =>
            {
                bool healthy;
                try
                {
                    await using var command = database.CreateCommand("SELECT 1");
                    healthy = await command.ExecuteScalarAsync(ct) is 1;
                }
                catch (NpgsqlException)
                {
                    healthy = false;
                }

                return TypedResults.Ok(new Health(true, healthy));
            })
            .WithSummary("The original's health check");

        var authorized = compat.MapGroup("").RequireAuthorization();

        authorized.MapPost("/upload-audiofile", async Task<Ok<UploadAccepted>> (HttpContext http, TranscriptionUploads uploads, CancellationToken ct) =>
            {
                var userId = TranscriptionEndpoints.RequireCanInteract(http.User);
                var transcription = await uploads.UploadAsync(http.Request, userId, chunkSizeSecs: null, ct);
                return TypedResults.Ok(new UploadAccepted("File uploaded successfully", transcription.Id, transcription.OriginalFileName ?? ""));
            })
            .Accepts<TranscriptionEndpoints.UploadForm>("multipart/form-data")
            .DisableAntiforgery()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        authorized.MapGet("/transcriptions", async Task<Ok<TranscriptionPage>> (HttpContext http, int? page, int? size, UserTranscriptions owned, CancellationToken ct) =>
                TypedResults.Ok(await owned.ListAsync(http.User.UserId(), page, size, null, ct)))
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        authorized.MapGet("/transcript", async Task<Ok<ChunkPage>> (HttpContext http, int task_id, int? page, int? size, UserTranscriptions owned, CancellationToken ct) =>
                TypedResults.Ok(await owned.ListChunksAsync(http.User.UserId(), task_id, page, size, ct)))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        authorized.MapPost("/transcript/export", async Task<FileContentHttpResult> (HttpContext http, int task_id, string format, UserTranscriptions owned, CancellationToken ct) =>
            {
                // The original offered "doc" (a Word document) and "txt".
                var parsed = format switch
                {
                    "doc" => ExportFormat.Docx,
                    "txt" => ExportFormat.Txt,
                    _ => throw ValidationFailedException.For("format", "format must be doc or txt."),
                };
                var file = await owned.ExportAsync(http.User.UserId(), task_id, parsed, ct);
                return TypedResults.File(file.Content, file.ContentType, file.FileName);
            })
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        authorized.MapPost("/transcript/cancel", async Task<ContentHttpResult> (HttpContext http, int transcript_id, UserTranscriptions owned, CancellationToken ct) =>
            {
                await owned.CancelAsync(http.User.UserId(), transcript_id, ct);
                return TypedResults.Text("OK");
            })
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        authorized.MapGet("/transcript/info", async Task<Ok<TranscriptionResponse>> (HttpContext http, int transcript_id, UserTranscriptions owned, CancellationToken ct) =>
            {
                var detail = await owned.GetAsync(http.User.UserId(), transcript_id, ct);
                return TypedResults.Ok(new TranscriptionResponse(detail.Id, detail.CreatorId, detail.AudioLenSecs, detail.ChunkSizeSecs, detail.CurrentState,
                    detail.CreateDate, detail.UpdateDate, detail.Description, detail.ErrorCount));
            })
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }
}
