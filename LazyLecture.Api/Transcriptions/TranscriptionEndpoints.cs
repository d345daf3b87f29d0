using System.Security.Claims;
using LazyLecture.Api.Auth;
using LazyLecture.Api.Captions;
using LazyLecture.Api.Chapters;
using LazyLecture.Api.Courses;
using LazyLecture.Api.Errors;
using LazyLecture.Api.Transcriptions.Corrections;
using LazyLecture.Api.Transcriptions.Export;
using LazyLecture.Api.Transcriptions.Review;
using LazyLecture.Api.Transcriptions.Search;
using LazyLecture.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LazyLecture.Api.Transcriptions;

/// <summary>The caller's transcriptions: upload, list, search, read, listen, correct, cancel, delete, export.</summary>
public static class TranscriptionEndpoints
{
    /// <summary>For the OpenAPI document only: the upload is read as a stream, not bound.</summary>
    public sealed record UploadForm(IFormFile Audiofile);

    public static IEndpointRouteBuilder MapTranscriptionsApi(this IEndpointRouteBuilder app)
    {
        var transcriptions = app.MapGroup("/api/v1/transcriptions").WithTags("Transcriptions").RequireAuthorization();

        transcriptions.MapPost("/", async Task<Created<TranscriptionDetail>> (HttpContext http, double? chunk_size_secs, bool? voice_activity_detection, int? course_id, TranscriptionUploads uploads, UserTranscriptions owned, CancellationToken ct) =>
            {
                var userId = RequireCanInteract(http.User);
                var transcription = await uploads.UploadAsync(http.Request, userId, chunk_size_secs, ct, voice_activity_detection ?? true, course_id);
                return TypedResults.Created($"/api/v1/transcriptions/{transcription.Id}", await owned.GetAsync(userId, transcription.Id, ct));
            })
            .Accepts<UploadForm>("multipart/form-data")
            .DisableAntiforgery()
            .WithSummary("Upload a recording to transcribe")
            .WithDescription("Multipart field 'audiofile': any format ffmpeg decodes (judged by content), 10 s to 2 h. One active job per user. Optional query chunk_size_secs (10–3600, default 900); voice_activity_detection=false transcribes the whole recording in fixed chunks (default true: only the speech, chunks cut in pauses); course_id (one of the caller's courses: the lecture is filed in it and decoded with its glossary).")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        transcriptions.MapGet("/", async Task<Ok<TranscriptionPage>> (HttpContext http, int? page, int? size, string? state, int? course_id, UserTranscriptions owned, CancellationToken ct) =>
                TypedResults.Ok(await owned.ListAsync(http.User.UserId(), page, size, ParseState(state), ct, course_id)))
            .WithSummary("List the caller's transcriptions, newest first (course_id: only that course's)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        transcriptions.MapGet("/{id:int}", async Task<Ok<TranscriptionDetail>> (HttpContext http, int id, UserTranscriptions owned, CancellationToken ct) =>
                TypedResults.Ok(await owned.GetAsync(http.User.UserId(), id, ct)))
            .WithSummary("One transcription with its progress")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        transcriptions.MapGet("/{id:int}/chunks", async Task<Ok<ChunkPage>> (HttpContext http, int id, int? page, int? size, UserTranscriptions owned, CancellationToken ct) =>
                TypedResults.Ok(await owned.ListChunksAsync(http.User.UserId(), id, page, size, ct)))
            .WithSummary("The transcript's chunks, in order, paged")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        transcriptions.MapGet("/{id:int}/segments", async Task<Ok<SegmentPage>> (HttpContext http, int id, int? page, int? size, UserTranscriptions owned, CancellationToken ct) =>
                TypedResults.Ok(await owned.ListSegmentsAsync(http.User.UserId(), id, page, size, ct)))
            .WithSummary("The transcript's timestamped segments, in order, paged")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        transcriptions.MapPatch("/{id:int}", async Task<Ok<TranscriptionDetail>> (HttpContext http, int id, TranscriptionChanges changes, UserCourses courses, UserTranscriptions owned, CancellationToken ct) =>
            {
                // 404 for anyone but the owner before the body is judged, as on every owned route
                await owned.GetAsync(http.User.UserId(), id, ct);
                if (!changes.CourseIdGiven)
                {
                    throw ValidationFailedException.For("course_id", "Give course_id: one of your courses, or null to unfile the transcription.");
                }

                await courses.FileAsync(http.User.UserId(), id, changes.CourseId, ct);
                return TypedResults.Ok(await owned.GetAsync(http.User.UserId(), id, ct));
            })
            .WithSummary("File a transcription in one of the caller's courses (course_id), or unfile it (course_id null)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        transcriptions.MapPost("/{id:int}/cancel", async Task<Ok<TranscriptionDetail>> (HttpContext http, int id, UserTranscriptions owned, CancellationToken ct) =>
                TypedResults.Ok(await owned.CancelAsync(http.User.UserId(), id, ct)))
            .WithSummary("Cancel a job; chunks already done are kept (completed_partially)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        transcriptions.MapDelete("/{id:int}", async Task<NoContent> (HttpContext http, int id, UserTranscriptions owned, CancellationToken ct) =>
            {
                await owned.DeleteAsync(http.User.UserId(), id, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Delete a transcription with its chunks, segments and audio")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        transcriptions.MapGet("/{id:int}/export", async Task<FileContentHttpResult> (
                HttpContext http, int id, string? format, [AsParameters] CaptionQuery captions, UserTranscriptions owned, CancellationToken ct) =>
            {
                var rules = captions.ToRules();
                var file = await owned.ExportAsync(http.User.UserId(), id, ParseFormat(format), ct, rules);
                return TypedResults.File(file.Content, file.ContentType, file.FileName);
            })
            .WithSummary("Export the transcript as txt, docx, srt, vtt or json, or its chapters (chapters: the \"00:00 Title\" list; chapters_vtt: a WebVTT chapters track)")
            .WithDescription("srt and vtt cues end at word boundaries (from the word timings) and follow readable-caption rules. " + CaptionQuery.Description)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        transcriptions.MapGet("/{id:int}/audio", async Task<PhysicalFileHttpResult> (HttpContext http, int id, UserTranscriptions owned, CancellationToken ct) =>
            {
                var audio = await owned.AudioAsync(http.User.UserId(), id, ct);
                // Content-Disposition names a safe file (RFC 6266 filename and filename*); the player ignores it, a download uses it.
                return TypedResults.PhysicalFile(audio.Path, audio.ContentType, audio.FileName, enableRangeProcessing: true);
            })
            .WithSummary("The recording as uploaded, for playback (HTTP range requests: a player seeks without downloading it all)")
            .Produces(StatusCodes.Status206PartialContent)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status416RangeNotSatisfiable);

        transcriptions.MapTranscriptSearch();
        transcriptions.MapSegmentCorrections();
        transcriptions.MapSegmentReview();
        transcriptions.MapCaptionCheck();
        transcriptions.MapChapters();

        return app;
    }

    private static TranscriptionState? ParseState(string? state) =>
        state is null ? null
        : TranscriptionStateNames.Parse(state) ?? throw ValidationFailedException.For("state", "state must be one of " + string.Join(", ", Enum.GetValues<TranscriptionState>().Select(s => s.ToSnakeCase())) + ".");

    public static ExportFormat ParseFormat(string? format) =>
        TranscriptExporter.TryParseFormat(format ?? "txt", out var parsed)
            ? parsed
            : throw ValidationFailedException.For("format", "format must be one of txt, docx, srt, vtt, json, chapters, chapters_vtt.");

    /// <summary>Uploading needs the right to interact, which an admin grants (or registration grants when auto-approve is on).</summary>
    public static int RequireCanInteract(ClaimsPrincipal user) =>
        user.FindFirstValue(AuthenticationSetup.CanInteractClaim) == "true"
            ? user.UserId()
            : throw new ForbiddenException("Your account may not upload yet: an administrator must allow it (can_interact).");
}
