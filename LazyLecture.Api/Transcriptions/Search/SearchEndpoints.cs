using LazyLecture.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LazyLecture.Api.Transcriptions.Search;

/// <summary><c>GET /api/v1/transcriptions/search</c>: a literal segment, so it never competes with <c>/{id:int}</c>.</summary>
public static class SearchEndpoints
{
    public static RouteGroupBuilder MapTranscriptSearch(this RouteGroupBuilder transcriptions)
    {
        transcriptions.MapGet("/search", async Task<Ok<SearchPage>> (HttpContext http, string? q, int? page, int? size, int? course_id, TranscriptSearch search, CancellationToken ct) =>
                TypedResults.Ok(await search.SearchAsync(http.User.UserId(), q, page, size, ct, course_id)))
            .WithSummary("Full-text search over the caller's own transcripts")
            .WithDescription(
                $"PostgreSQL full-text search (English stemming: 'transcribing' finds 'transcribed') over the segments of the caller's transcriptions. " +
                $"q (1–{TranscriptSearch.MaxQueryLength} characters) uses web-search syntax: words are ANDed, \"quoted phrase\", 'or', -excluded. " +
                "Hits are ranked by relevance (ts_rank, descending) and give transcription_id, chunk_no, segment_no, start and end (seconds from the start of the recording), rank " +
                $"and snippet: plain text in which each match is wrapped in {TranscriptSearch.StartMark} and {TranscriptSearch.StopMark}. The snippet is not HTML-escaped: display it as text. " +
                "course_id limits the search to one of the caller's courses. " +
                "Paged with page (from 1) and size (default 50, max 100). A q with no searchable word (only common words or punctuation, or only -excluded words) is a 422.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return transcriptions;
    }
}
