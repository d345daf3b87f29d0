using LazyLecture.Api.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LazyLecture.Api.Chapters;

/// <summary>
/// The content words of every segment of a transcript, stemmed by PostgreSQL's English text-search configuration (the one
/// the search uses): <c>ts_debug</c> gives each word with its lexeme, and none for a stop word.
/// </summary>
public sealed class LectureTerms(LazyLectureDbContext db)
{
    // Words only (numbers, URLs and the like say little about a topic); WITH ORDINALITY keeps the words in spoken order.
    private const string TermsSql = """
        SELECT s.id, s.start_secs, s.end_secs, d.token, d.lexemes[1]
        FROM transcription_segments s
        LEFT JOIN LATERAL ts_debug('english', s.text) WITH ORDINALITY AS d(alias, description, token, dictionaries, dictionary, lexemes, n)
               ON d.alias IN ('asciiword', 'word', 'hword_asciipart', 'hword_part') AND cardinality(d.lexemes) > 0
        WHERE s.transcription_id = @id
        ORDER BY s.chunk_no, s.segment_no, d.n
        """;

    /// <summary>Every segment in order, with its stemmed content words (none for a segment of stop words only).</summary>
    public async Task<IReadOnlyList<SegmentTerms>> ReadAsync(int transcriptionId, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(TermsSql, (NpgsqlConnection)db.Database.GetDbConnection());
            command.Parameters.AddWithValue("id", transcriptionId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var segments = new List<SegmentTerms>();
            long? current = null;
            List<Term> terms = [];
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                if (id != current)
                {
                    terms = [];
                    segments.Add(new SegmentTerms(reader.GetDouble(1), reader.GetDouble(2), terms));
                    current = id;
                }

                if (!reader.IsDBNull(3) && !reader.IsDBNull(4))
                {
                    terms.Add(new Term(reader.GetString(4), reader.GetString(3)));
                }
            }

            return segments;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
