using System.Text.Json;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Messaging;
using LazyLecture.Tests.Infrastructure;
using Npgsql;
using RabbitMQ.Client;
using Xunit;

namespace LazyLecture.Tests.Worker;

/// <summary>
/// One poisoned job never stalls the queue for everyone (issue 15: a NaN chunk size stored by the old API made every
/// other user's upload wait while the workers took the same failing job again and again from the head of the queue).
/// </summary>
[Collection(nameof(WorkerPipeline))]
public sealed class PoisonedJobTests(WorkerPipelineFixture pipeline)
{
    [Fact]
    public async Task Jobs_the_api_cannot_describe_do_not_hold_up_another_users_job()
    {
        using var api = new ApiSession(pipeline.AsFixture);
        var poisoned = new List<int>();
        try
        {
            // One poisoned job per worker, queued first: before the fix each worker took its own back again and again.
            for (var i = 0; i < WorkerPipelineFixture.WorkerReplicas; i++)
            {
                var (ownerId, _) = await api.NewUploaderAsync();
                poisoned.Add(await InsertUnreadableJobAsync(ownerId));
            }

            await PublishJobsAsync(poisoned);
            await Task.Delay(TimeSpan.FromSeconds(3), ApiSession.Cancellation); // the workers hold the poisoned jobs now

            var (_, tokens) = await api.NewUploaderAsync();
            var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);

            await Eventually.MatchesAsync(() => api.GetTranscriptionAsync(tokens.Access, id), t => t["current_state"]!.GetValue<string>() == "completed",
                TimeSpan.FromMinutes(3), $"transcription {id} completed while poisoned jobs wait");
        }
        finally
        {
            // Deleted, the poisoned jobs are acknowledged as gone and leave the other tests' workers alone.
            await ExecuteAsync("DELETE FROM transcriptions WHERE id = ANY(@ids)", ("ids", poisoned.ToArray()));
        }
    }

    /// <summary>A queued row with a NaN chunk size, as the API stored before it refused non-finite numbers: the worker endpoint cannot describe it (500).</summary>
    private async Task<int> InsertUnreadableJobAsync(int ownerId)
    {
        await using var db = new NpgsqlConnection(pipeline.App.GetConnectionString(ResourceNames.Database));
        await db.OpenAsync(ApiSession.Cancellation);
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO transcriptions (creator_id, audio_len_secs, chunk_size_secs, current_state, error_count, progress_secs, audio_location, create_date, update_date)
            VALUES (@owner, 11, 'NaN'::double precision, 'queued', 0, 0, 'missing', now(), now()) RETURNING id
            """, db);
        insert.Parameters.AddWithValue("owner", ownerId);
        return (int)(await insert.ExecuteScalarAsync(ApiSession.Cancellation))!;
    }

    private async Task PublishJobsAsync(IEnumerable<int> ids)
    {
        var factory = new ConnectionFactory { Uri = new Uri(pipeline.App.GetConnectionString(ResourceNames.RabbitMq)) };
        await using var connection = await factory.CreateConnectionAsync(ApiSession.Cancellation);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ApiSession.Cancellation);
        foreach (var id in ids)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new { transcription_id = id, user_id = 0 });
            await channel.BasicPublishAsync("", TranscriptionJobQueue.Name, mandatory: false, new BasicProperties { Persistent = true }, body, ApiSession.Cancellation);
        }
    }

    private async Task ExecuteAsync(string sql, (string Name, object Value) parameter)
    {
        await using var db = new NpgsqlConnection(pipeline.App.GetConnectionString(ResourceNames.Database));
        await db.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue(parameter.Name, parameter.Value);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
