using System.Data.Common;
using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LazyLecture.Api.Transcriptions.Search;

/// <summary>
/// PostgreSQL full-text search over the segments of the caller's own transcriptions: <c>websearch_to_tsquery('english', q)</c>
/// against the GIN-indexed <c>search_vector</c>, owner filter inside the query, ranked by <c>ts_rank</c>.
/// </summary>
public sealed class TranscriptSearch(LazyLectureDbContext db)
{
    public const int MaxQueryLength = 200;

    /// <summary>Matches are wrapped in guillemets: plain text, so a client that shows the snippet as text cannot be tricked into markup.</summary>
    public const string StartMark = "«";

    public const string StopMark = "»";

    // ts_headline options; the whole segment text is short (one spoken sentence or two), so a single fragment is enough.
    private const string HeadlineOptions = "StartSel=" + StartMark + ", StopSel=" + StopMark + ", MaxWords=35, MinWords=15, ShortWord=3";

    // numnode = 0: only stop words or punctuation; querytree = 'T': only excluded words (-word), which no index can serve.
    private const string CountSql = """
        SELECT CASE WHEN numnode(query.q) = 0 THEN -1
                    WHEN querytree(query.q) = 'T' THEN -2
                    ELSE (SELECT count(*) FROM transcription_segments s
                          JOIN transcriptions t ON t.id = s.transcription_id
                          WHERE t.creator_id = @owner AND (@course IS NULL OR t.course_id = @course) AND (@transcription IS NULL OR t.id = @transcription)
                            AND s.search_vector @@ query.q) END
        FROM websearch_to_tsquery('english', @q) AS query(q)
        """;

    // The headline is the costly part, so it is computed only for the rows of the page.
    private const string PageSql = """
        SELECT hit.transcription_id, hit.chunk_no, hit.segment_no, hit.start_secs, hit.end_secs,
               ts_headline('english', hit.text, hit.q, @options) AS snippet, hit.rank
        FROM (SELECT s.transcription_id, s.chunk_no, s.segment_no, s.start_secs, s.end_secs, s.text, query.q,
                     ts_rank(s.search_vector, query.q)::float8 AS rank
              FROM websearch_to_tsquery('english', @q) AS query(q)
              CROSS JOIN transcription_segments s
              JOIN transcriptions t ON t.id = s.transcription_id
              WHERE t.creator_id = @owner AND (@course IS NULL OR t.course_id = @course) AND (@transcription IS NULL OR t.id = @transcription)
                AND s.search_vector @@ query.q
              ORDER BY rank DESC, s.transcription_id, s.chunk_no, s.start_secs, s.segment_no
              LIMIT @take OFFSET @skip) AS hit
        ORDER BY hit.rank DESC, hit.transcription_id, hit.chunk_no, hit.start_secs, hit.segment_no
        """;

    public Task<SearchPage> SearchAsync(int userId, string? q, int? page, int? size, CancellationToken cancellationToken, int? courseId = null) =>
        SearchAsync(new SearchScope(userId, courseId, null), q, page, size, cancellationToken);

    /// <summary>Searches within <paramref name="scope"/>: one owner's transcripts, optionally one course's or one transcription's.</summary>
    public async Task<SearchPage> SearchAsync(SearchScope scope, string? q, int? page, int? size, CancellationToken cancellationToken)
    {
        var text = ValidateQuery(q);
        var paging = Paging.Validate(page, size);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var total = await CountAsync(connection, scope, text, cancellationToken);
            var hits = total > paging.Skip ? await ReadPageAsync(connection, scope, text, paging, cancellationToken) : [];
            return new SearchPage(paging.Page, paging.Size, total, paging.PageCount(total), hits);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<int> CountAsync(NpgsqlConnection connection, SearchScope scope, string q, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(CountSql, connection);
        command.Parameters.AddWithValue("q", q);
        AddScope(command, scope);
        var count = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
        return count switch
        {
            -1 => throw ValidationFailedException.For("q", "q has no words to search for (only common words or punctuation)."),
            -2 => throw ValidationFailedException.For("q", "q needs at least one word to find, not only excluded (-word) ones."),
            _ => count,
        };
    }

    private static void AddScope(NpgsqlCommand command, SearchScope scope)
    {
        command.Parameters.AddWithValue("owner", scope.OwnerId);
        command.Parameters.Add(new NpgsqlParameter("course", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)scope.CourseId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("transcription", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)scope.TranscriptionId ?? DBNull.Value });
    }

    private static async Task<List<SearchHit>> ReadPageAsync(NpgsqlConnection connection, SearchScope scope, string q, Paging paging, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(PageSql, connection);
        command.Parameters.AddWithValue("q", q);
        AddScope(command, scope);
        command.Parameters.AddWithValue("options", HeadlineOptions);
        command.Parameters.AddWithValue("take", paging.Size);
        command.Parameters.AddWithValue("skip", paging.Skip);
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        var hits = new List<SearchHit>(paging.Size);
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add(new SearchHit(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetDouble(3), reader.GetDouble(4),
                reader.GetString(5), Math.Round(reader.GetDouble(6), 6)));
        }

        return hits;
    }

    /// <summary>Rejects what PostgreSQL cannot take as text (NUL, broken surrogate pairs) with a 422 instead of letting it fail as a 500.</summary>
    private static string ValidateQuery(string? q)
    {
        var text = q?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            throw ValidationFailedException.For("q", "q is required: the words to search for.");
        }

        if (text.Length > MaxQueryLength)
        {
            throw ValidationFailedException.For("q", $"q must be at most {MaxQueryLength} characters.");
        }

        if (!IsStorableText(text))
        {
            throw ValidationFailedException.For("q", "q must be valid text without NUL characters.");
        }

        return text;
    }

    private static bool IsStorableText(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (text[i] == '\0' || char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Whose transcripts a search reads: an owner's, optionally only one course's or one transcription's.</summary>
public sealed record SearchScope(int OwnerId, int? CourseId, int? TranscriptionId);
