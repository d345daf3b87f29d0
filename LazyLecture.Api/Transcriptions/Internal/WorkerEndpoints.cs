using LazyLecture.Api.Transcriptions.Audio;
using LazyLecture.Contracts.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LazyLecture.Api.Transcriptions.Internal;

/// <summary>Endpoints for transcription workers only (worker key in a header); not for users.</summary>
public static class WorkerEndpoints
{
    public static IEndpointRouteBuilder MapWorkerApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup(WorkerApi.Jobs).WithTags("Worker").AddEndpointFilter<WorkerKeyFilter>();

        jobs.MapGet("/{id:int}", async Task<Ok<WorkerJobView>> (int id, WorkerJobs worker, CancellationToken ct) => TypedResults.Ok(await worker.GetAsync(id, ct)))
            .WithSummary("A job as the worker needs it: state, audio length, chunk size, chunks already saved")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapGet("/{id:int}/audio", async Task<PhysicalFileHttpResult> (int id, WorkerJobs worker, IAudioStore store, CancellationToken ct) =>
                TypedResults.PhysicalFile(store.PathOf(await worker.AudioLocationAsync(id, ct)), "application/octet-stream", enableRangeProcessing: true))
            .WithSummary("The recording, with range requests (ffmpeg seeks to each chunk)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapPost("/{id:int}/state", async Task<Ok<WorkerJobView>> (int id, StateReport report, WorkerJobs worker, CancellationToken ct) =>
                TypedResults.Ok(await worker.ReportStateAsync(id, report, ct)))
            .WithSummary("Report in_progress, processing_error (counts toward processing_fail) or completed")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        jobs.MapPost("/{id:int}/progress", async Task<Ok<WorkerJobView>> (int id, ProgressReport report, WorkerJobs worker, CancellationToken ct) =>
                TypedResults.Ok(await worker.ReportProgressAsync(id, report, ct)))
            .WithSummary("Report seconds transcribed; the answer tells whether the job was cancelled")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapPut("/{id:int}/run", async Task<NoContent> (int id, JobRunReport report, WorkerJobs worker, CancellationToken ct) =>
            {
                await worker.ReportRunAsync(id, report, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Report the engine that runs the job, whether voice activity detection ran, and the seconds of speech it found")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        jobs.MapPut("/{id:int}/chunks/{chunkNo:int}", async Task<NoContent> (int id, int chunkNo, ChunkInput chunk, WorkerJobs worker, CancellationToken ct) =>
            {
                await worker.SaveChunkAsync(id, chunkNo, chunk, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Save a chunk and its segments (idempotent: saving it again replaces it)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        jobs.MapPut("/{id:int}/chunks/{chunkNo:int}/partial", async Task<NoContent> (int id, int chunkNo, ChunkInput chunk, WorkerJobs worker, CancellationToken ct) =>
            {
                await worker.SavePartialAsync(id, chunkNo, chunk, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Report the segments of the chunk being transcribed so far (after each window); replaced by the next report and by the saved chunk")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        return app;
    }
}
