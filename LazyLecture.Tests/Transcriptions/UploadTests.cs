using System.Net;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Npgsql;
using Xunit;

namespace LazyLecture.Tests.Transcriptions;

public sealed class UploadTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task Upload_of_real_audio_returns_201_queues_the_job_and_publishes_exactly_one_message()
    {
        using var api = new ApiSession(fixture);
        var (userId, tokens) = await api.NewUploaderAsync();

        using var response = await api.UploadAsync(tokens.Access, TranscriptionClient.Jfk, "jfk.wav");
        var body = await ApiSession.ReadObjectAsync(response);
        var id = body["id"]!.GetValue<int>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/transcriptions/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("queued", body["current_state"]!.GetValue<string>());
        Assert.Equal(userId, body["creator_id"]!.GetValue<int>());
        Assert.InRange(body["audio_len_secs"]!.GetValue<double>(), 10.9, 11.1);
        Assert.Equal(900, body["chunk_size_secs"]!.GetValue<double>());

        var messages = await Eventually.MatchesAsync(
            () => JobQueueProbe.TakeJobsForAsync(fixture.Shared, id, ApiSession.Cancellation), m => m.Count > 0, TimeSpan.FromSeconds(30), "the job message");
        Assert.Single(messages);
        Assert.Equal(userId, messages[0]["user_id"]!.GetValue<int>());
        Assert.Empty(await JobQueueProbe.TakeJobsForAsync(fixture.Shared, id, ApiSession.Cancellation));
    }

    [Fact]
    public async Task Upload_of_second_job_while_one_is_queued_returns_409()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);

        using var second = await api.UploadAsync(tokens.Access, TranscriptionClient.Jfk);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task User_without_can_interact_cannot_upload()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();

        using var response = await api.UploadAsync(tokens.Access, TranscriptionClient.Jfk);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Upload_without_a_token_is_401()
    {
        using var api = new ApiSession(fixture);

        using var response = await api.UploadAsync(accessToken: null!, TranscriptionClient.Jfk);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Creating_the_101st_transcription_deletes_the_oldest_finished_one()
    {
        using var api = new ApiSession(fixture);
        var (userId, tokens) = await api.NewUploaderAsync();
        await using var db = new NpgsqlConnection(fixture.DatabaseConnectionString);
        await db.OpenAsync(ApiSession.Cancellation);
        // 100 finished transcriptions, oldest first (inserted directly: uploading 100 recordings would only slow the test down).
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO transcriptions (creator_id, audio_len_secs, chunk_size_secs, current_state, error_count, progress_secs, audio_location, create_date, update_date)
            SELECT @user, 60, 900, 'completed', 0, 60, '', now() - make_interval(days => 200 - n), now() FROM generate_series(1, 100) AS n
            """, db))
        {
            insert.Parameters.AddWithValue("user", userId);
            await insert.ExecuteNonQueryAsync(ApiSession.Cancellation);
        }

        var oldest = await ScalarAsync<int>(db, "SELECT min(id) FROM transcriptions WHERE creator_id = @user", userId);

        var created = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);

        Assert.Equal(100, await ScalarAsync<long>(db, "SELECT count(*) FROM transcriptions WHERE creator_id = @user", userId));
        Assert.Equal(0, await ScalarAsync<long>(db, $"SELECT count(*) FROM transcriptions WHERE id = {oldest} AND creator_id = @user", userId));
        Assert.Equal(1, await ScalarAsync<long>(db, $"SELECT count(*) FROM transcriptions WHERE id = {created} AND creator_id = @user", userId));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection db, string sql, int userId)
    {
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue("user", userId);
        return (T)(await command.ExecuteScalarAsync(ApiSession.Cancellation))!;
    }
}
