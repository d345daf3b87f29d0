using LazyLecture.Whisper.Text;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Messaging;
using LazyLecture.Tests.Infrastructure;
using RabbitMQ.Client;
using Xunit;

namespace LazyLecture.Tests.Worker;

/// <summary>End to end through the AppHost: upload → RabbitMQ → worker (ffmpeg + PocketSphinx in process) → chunks → completed.</summary>
[Collection(nameof(WorkerPipeline))]
public sealed class TranscriptionPipelineTests(WorkerPipelineFixture pipeline)
{
    // Patience, not a speed target (that is bench/lecture.sh's job): two PocketSphinx workers share two cores with the
    // rest of the suite's applications, so a job may take several times its quiet length.
    private static readonly TimeSpan JobPatience = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task Uploaded_speech_is_transcribed_by_pocketsphinx_within_the_accuracy_bar()
    {
        using var api = new ApiSession(pipeline.AsFixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await UploadAsync(api, tokens, TranscriptionClient.Jfk, chunkSizeSecs: 900); // one chunk

        var done = await WaitForStateAsync(api, tokens, id, "completed");
        var chunks = await ChunksAsync(api, tokens, id);

        Assert.Equal(1.0, done["progress"]!.GetValue<double>());
        Assert.Single(chunks);
        var reference = await File.ReadAllTextAsync(SharedAssets.Require("audio/jfk.txt"), ApiSession.Cancellation);
        var wer = WordErrorRate.Compute(reference, chunks[0]["transcription"]!.GetValue<string>());
        // The bar of ../shared/audio/README.md: Debian's pocketsphinx_continuous gets 54.5 % on this file.
        Assert.True(wer <= 0.58, $"WER {wer:P1}: {chunks[0]["transcription"]}");
        using var segments = await api.GetAsync($"/api/v1/transcriptions/{id}/segments", tokens.Access);
        var list = (await ApiSession.ReadObjectAsync(segments))["segments"]!.AsArray();
        Assert.NotEmpty(list);
        Assert.All(list, s => Assert.InRange(s!["end"]!.GetValue<double>(), s["start"]!.GetValue<double>(), 11.1));
        // PocketSphinx's words come from its own word segmentation, within their segment.
        SegmentWords.AssertSpellTheirSegments(list, latestEnd: 11.1);
        Assert.All(list, s => Assert.All(s!["words"]!.AsArray(), w => Assert.InRange(
            w!["start"]!.GetValue<double>(), s["start"]!.GetValue<double>(), s["end"]!.GetValue<double>())));
    }

    [Fact]
    public async Task A_multi_chunk_recording_yields_every_chunk_in_order()
    {
        using var api = new ApiSession(pipeline.AsFixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var recording = await LongRecordingAsync(repeats: 3); // 33 s of speech

        var id = await UploadAsync(api, tokens, recording, chunkSizeSecs: 10);
        await WaitForStateAsync(api, tokens, id, "completed");
        var chunks = await ChunksAsync(api, tokens, id);

        Assert.Equal([0, 1, 2, 3], chunks.Select(c => c["chunk_order"]!.GetValue<int>()));
        Assert.All(chunks, c => Assert.False(string.IsNullOrWhiteSpace(c["transcription"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Cancelling_mid_job_keeps_the_finished_chunks_as_completed_partially()
    {
        using var api = new ApiSession(pipeline.AsFixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await UploadAsync(api, tokens, await LongRecordingAsync(repeats: 20), chunkSizeSecs: 10);
        await Eventually.MatchesAsync(() => api.GetTranscriptionAsync(tokens.Access, id), t => t["chunks_done"]!.GetValue<int>() >= 1, JobPatience, "a first chunk");

        using var cancel = await api.SendAsync(HttpMethod.Post, $"/api/v1/transcriptions/{id}/cancel", null, tokens.Access);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("completed_partially", (await ApiSession.ReadObjectAsync(cancel))["current_state"]!.GetValue<string>());

        // The worker notices within seconds and takes the owner's next job.
        var next = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await WaitForStateAsync(api, tokens, next, "completed");
        var cancelled = await api.GetTranscriptionAsync(tokens.Access, id);
        Assert.Equal("completed_partially", cancelled["current_state"]!.GetValue<string>());
        Assert.InRange(cancelled["chunks_done"]!.GetValue<int>(), 1, 21);
    }

    [Fact]
    public async Task Cancelling_while_a_window_decodes_stops_the_worker_inside_that_chunk()
    {
        using var api = new ApiSession(pipeline.AsFixture);
        var (_, tokens) = await api.NewUploaderAsync();
        // One chunk of 330 s: whenever the cancel arrives, the engine is inside it.
        var id = await UploadAsync(api, tokens, await LongRecordingAsync(repeats: 30), chunkSizeSecs: 600);
        await Eventually.MatchesAsync(() => api.GetTranscriptionAsync(tokens.Access, id),
            t => t["progress"]!.GetValue<double>() > 0 && t["chunks_done"]!.GetValue<int>() == 0, JobPatience, "the engine decoding chunk 0");

        using var cancel = await api.SendAsync(HttpMethod.Post, $"/api/v1/transcriptions/{id}/cancel", null, tokens.Access);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);

        // Proven on the worker's side: its engine was stopped mid-chunk (not left to finish the chunk and have it refused).
        var stopped = $"Job {id} was cancelled by its owner during chunk 0";
        var log = await Eventually.MatchesAsync(() => Task.FromResult(WorkerLogs()), l => l.Contains(stopped, StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the worker stopping the job");
        Assert.DoesNotContain($"Job {id}: chunk 0/", log, StringComparison.Ordinal);
        Assert.DoesNotContain($"Job {id} finished meanwhile", log, StringComparison.Ordinal);
        Assert.Empty(await ChunksAsync(api, tokens, id));
    }

    private string WorkerLogs() =>
        string.Join('\n', pipeline.Application.Snapshots.Instances(ResourceNames.Worker).Select(w => pipeline.Application.ConsoleLog(w.ResourceId)));

    [Fact]
    public async Task A_malformed_message_goes_to_the_dead_letter_queue_and_the_next_job_still_runs()
    {
        using var api = new ApiSession(pipeline.AsFixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var marker = Guid.NewGuid().ToString("N");
        var factory = new ConnectionFactory { Uri = new Uri(pipeline.App.GetConnectionString(ResourceNames.RabbitMq)) };
        await using var connection = await factory.CreateConnectionAsync(ApiSession.Cancellation);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ApiSession.Cancellation);
        await channel.BasicPublishAsync("", TranscriptionJobQueue.Name, Encoding.UTF8.GetBytes("{not json " + marker), ApiSession.Cancellation);

        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await WaitForStateAsync(api, tokens, id, "completed");

        var deadLetters = new List<string>();
        while (await channel.BasicGetAsync(TranscriptionJobQueue.DeadLetterName, autoAck: true, ApiSession.Cancellation) is { } message)
        {
            deadLetters.Add(Encoding.UTF8.GetString(message.Body.Span));
        }

        Assert.Contains(deadLetters, body => body.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_workers_run_two_users_jobs_at_the_same_time()
    {
        using var api = new ApiSession(pipeline.AsFixture);
        var (_, first) = await api.NewUploaderAsync();
        var (_, second) = await api.NewUploaderAsync();
        var recording = await LongRecordingAsync(repeats: 3); // 33 s: four chunks each, far longer than the second upload takes

        var firstId = await UploadAsync(api, first, recording, chunkSizeSecs: 10);
        var secondId = await UploadAsync(api, second, recording, chunkSizeSecs: 10);

        await Eventually.MatchesAsync(
            async () => (await api.GetTranscriptionAsync(first.Access, firstId), await api.GetTranscriptionAsync(second.Access, secondId)),
            both => both.Item1["current_state"]!.GetValue<string>() == "in_progress" && both.Item2["current_state"]!.GetValue<string>() == "in_progress",
            JobPatience, "both jobs in progress at once");
        await WaitForStateAsync(api, first, firstId, "completed");
        await WaitForStateAsync(api, second, secondId, "completed");
    }

    [Fact]
    public async Task A_worker_killed_mid_job_is_resumed_with_every_chunk_exactly_once()
    {
        using var api = new ApiSession(pipeline.AsFixture);
        var (_, tokens) = await api.NewUploaderAsync();
        // 66 s in 10-s chunks: the workers are killed once two are saved, with five still to do.
        const int chunkCount = 7;
        var id = await UploadAsync(api, tokens, await LongRecordingAsync(repeats: 6), chunkSizeSecs: 10);
        await Eventually.MatchesAsync(() => api.GetTranscriptionAsync(tokens.Access, id), t => t["chunks_done"]!.GetValue<int>() >= 2, JobPatience, "two chunks saved");

        // Kill every worker (whichever holds the job dies mid-chunk), then bring them back with Aspire's start command.
        var workers = pipeline.Application.Snapshots.Instances(ResourceNames.Worker);
        Assert.Equal(WorkerPipelineFixture.WorkerReplicas, workers.Count);
        foreach (var worker in workers)
        {
            ApplicationExtensions.KillProcessTree(ResourceSnapshots.ProcessId(worker));
        }

        var saved = (await api.GetTranscriptionAsync(tokens.Access, id))["chunks_done"]!.GetValue<int>();
        Assert.True(saved < chunkCount, "the job finished before the workers were killed; the test needs a longer recording");
        await Eventually.MatchesAsync(() => Task.FromResult(pipeline.Application.Snapshots.Instances(ResourceNames.Worker)),
            instances => instances.All(w => w.Snapshot.State?.Text is "Exited" or "Finished"), JobPatience, "DCP to see both workers gone");
        foreach (var worker in workers)
        {
            await pipeline.App.StartInstanceAsync(worker.ResourceId, ApiSession.Cancellation);
        }

        await WaitForStateAsync(api, tokens, id, "completed");
        var chunks = await ChunksAsync(api, tokens, id);
        Assert.Equal(Enumerable.Range(0, chunkCount), chunks.Select(c => c["chunk_order"]!.GetValue<int>()));
    }

    private static async Task<int> UploadAsync(ApiSession api, Tokens tokens, byte[] recording, int chunkSizeSecs)
    {
        using var response = await api.UploadAsync(tokens.Access, recording, path: $"/api/v1/transcriptions?chunk_size_secs={chunkSizeSecs}");
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ApiSession.Cancellation));
        return (await ApiSession.ReadObjectAsync(response))["id"]!.GetValue<int>();
    }

    private static Task<JsonObject> WaitForStateAsync(ApiSession api, Tokens tokens, int id, string state) =>
        Eventually.MatchesAsync(() => api.GetTranscriptionAsync(tokens.Access, id), t => t["current_state"]!.GetValue<string>() == state, JobPatience, $"transcription {id} {state}");

    private static async Task<List<JsonObject>> ChunksAsync(ApiSession api, Tokens tokens, int id)
    {
        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/chunks?size=100", tokens.Access);
        return [.. (await ApiSession.ReadObjectAsync(response))["transcriptions"]!.AsArray().Select(c => c!.AsObject())];
    }

    /// <summary>jfk.wav repeated: real speech, as long as needed (11 s per repeat).</summary>
    private static async Task<byte[]> LongRecordingAsync(int repeats)
    {
        var scratch = Directory.CreateTempSubdirectory("lazylecture-long-").FullName;
        try
        {
            var path = Path.Combine(scratch, "lecture.wav");
            await TestAudio.RunFfmpegAsync(["-y", "-stream_loop", (repeats - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-i", SharedAssets.Require("audio/jfk.wav"), "-ac", "1", "-ar", "16000", path]);
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
