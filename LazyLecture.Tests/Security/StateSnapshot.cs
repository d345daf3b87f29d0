using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using Npgsql;

namespace LazyLecture.Tests.Security;

/// <summary>A fingerprint of everything the application keeps: each table's rows and the audio store's files with their sizes.</summary>
public static class StateSnapshot
{
    public static async Task<IReadOnlyDictionary<string, string>> TakeAsync(IApiHost fixture)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using var db = new NpgsqlConnection(fixture.DatabaseConnectionString);
        await db.OpenAsync(ApiSession.Cancellation);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1", db))
        await using (var reader = await list.ExecuteReaderAsync(ApiSession.Cancellation))
        {
            while (await reader.ReadAsync(ApiSession.Cancellation))
            {
                tables.Add(reader.GetString(0));
            }
        }

        // An API key's name is free text: the corpus's strings (SQL, paths, look-alike letters) are valid names there and
        // each creates a key, by design. Creating, listing and revoking keys is ApiKeyTests' subject.
        tables.Remove("api_keys");
        // So is a course's name, code, term and glossary: creating and renaming courses is CourseTests' subject.
        tables.Remove("courses");
        foreach (var table in tables)
        {
            // Every column of every row, in a stable order: any insert, update or delete changes the digest. A share link's
            // last use is not: every read through the link records it.
            var rows = table == "share_links" ? "(SELECT id, owner_id, token_hash, transcription_id, course_id, expires_at, revoked_at, create_date FROM share_links)" : $"\"{table}\"";
            await using var digest = new NpgsqlCommand($"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {rows} t", db);
            snapshot["table " + table] = (string)(await digest.ExecuteScalarAsync(ApiSession.Cancellation))!;
        }

        var audio = Path.Combine(fixture.AudioDirectory);
        if (Directory.Exists(audio))
        {
            foreach (var file in Directory.EnumerateFiles(audio, "*", SearchOption.AllDirectories))
            {
                snapshot["file " + Path.GetRelativePath(audio, file)] = new FileInfo(file).Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return snapshot;
    }

    /// <summary>The entries that differ between two snapshots, for a failure message.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        [.. before.Keys.Union(after.Keys).Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => $"{k}: {before.GetValueOrDefault(k) ?? "(none)"} → {after.GetValueOrDefault(k) ?? "(none)"}")];

}
