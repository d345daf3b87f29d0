using System.Net;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.Transcriptions;

/// <summary>The original's state machine, driven through the worker endpoints as the worker drives it.</summary>
public sealed class JobLifecycleTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task Third_processing_error_makes_the_job_processing_fail_and_it_stays_final()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);

        var states = new List<(string State, int Errors)>();
        foreach (var report in new[] { "in_progress", "processing_error", "in_progress", "processing_error", "in_progress", "processing_error" })
        {
            var view = await api.ReportStateAsync(id, report, report == "processing_error" ? "decoder crashed" : null);
            states.Add((view["current_state"]!.GetValue<string>(), view["error_count"]!.GetValue<int>()));
        }

        Assert.Equal(
            [("in_progress", 0), ("processing_error", 1), ("in_progress", 1), ("processing_error", 2), ("in_progress", 2), ("processing_fail", 3)],
            states);
        using var late = await api.WorkerAsync(HttpMethod.Post, $"/internal/v1/transcriptions/{id}/state", new { state = "in_progress" });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var detail = await api.GetTranscriptionAsync(tokens.Access, id);
        Assert.Equal("processing_fail", detail["current_state"]!.GetValue<string>());
        Assert.Equal("decoder crashed", detail["last_error"]!.GetValue<string>());
    }

    /// <summary>A job resumed after a crash conditions its next chunk on the last saved chunk's text, as an uninterrupted job does.</summary>
    [Fact]
    public async Task Worker_view_of_a_job_carries_the_last_saved_chunks_text_for_the_resumed_chunk()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        var fresh = await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, "And so my fellow Americans", (0.0, 3.5, "And so"), (3.5, 6.0, "my fellow Americans"));

        using var response = await api.WorkerAsync(HttpMethod.Get, $"/internal/v1/transcriptions/{id}");
        var resumed = await ApiSession.ReadObjectAsync(response);

        Assert.Null(fresh["last_saved_chunk_text"]?.GetValue<string>());
        Assert.Equal([0], resumed["saved_chunks"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal("And so my fellow Americans", resumed["last_saved_chunk_text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Completed_job_has_full_progress_and_cannot_be_cancelled()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, "And so my fellow Americans", (0.0, 3.5, "And so"), (3.5, 6.0, "my fellow Americans"));
        await api.ReportStateAsync(id, "completed");

        var detail = await api.GetTranscriptionAsync(tokens.Access, id);
        using var cancel = await api.SendAsync(HttpMethod.Post, $"/api/v1/transcriptions/{id}/cancel", null, tokens.Access);

        Assert.Equal("completed", detail["current_state"]!.GetValue<string>());
        Assert.Equal(1.0, detail["progress"]!.GetValue<double>());
        Assert.Equal("And so my fellow Americans", detail["description"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
    }

    [Fact]
    public async Task Cancelling_without_chunks_is_cancelled_and_with_chunks_completed_partially()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var first = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        using var cancelQueued = await api.SendAsync(HttpMethod.Post, $"/api/v1/transcriptions/{first}/cancel", null, tokens.Access);
        var second = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk); // allowed: the first is no longer active
        await api.ReportStateAsync(second, "in_progress");
        await api.SaveChunkAsync(second, 0, "partial text");
        using var cancelRunning = await api.SendAsync(HttpMethod.Post, $"/api/v1/transcriptions/{second}/cancel", null, tokens.Access);

        Assert.Equal("cancelled", (await ApiSession.ReadObjectAsync(cancelQueued))["current_state"]!.GetValue<string>());
        Assert.Equal("completed_partially", (await ApiSession.ReadObjectAsync(cancelRunning))["current_state"]!.GetValue<string>());
        // The worker learns of the cancellation from its next progress report, and cannot save more.
        using var progress = await api.WorkerAsync(HttpMethod.Post, $"/internal/v1/transcriptions/{second}/progress", new { seconds = 5.0 });
        Assert.Equal("completed_partially", (await ApiSession.ReadObjectAsync(progress))["current_state"]!.GetValue<string>());
        using var lateChunk = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{second}/chunks/1", new { text = "late" });
        Assert.Equal(HttpStatusCode.Conflict, lateChunk.StatusCode);
    }

    [Fact]
    public async Task Saving_a_chunk_twice_keeps_one_chunk_with_the_latest_text_and_segments()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");

        await api.SaveChunkAsync(id, 0, "first attempt", (0, 2, "first"), (2, 4, "attempt"));
        await api.SaveChunkAsync(id, 0, "second attempt", (0, 3, "second attempt"));

        using var chunks = await api.GetAsync($"/api/v1/transcriptions/{id}/chunks", tokens.Access);
        var chunkPage = await ApiSession.ReadObjectAsync(chunks);
        using var segments = await api.GetAsync($"/api/v1/transcriptions/{id}/segments", tokens.Access);
        var segmentPage = await ApiSession.ReadObjectAsync(segments);
        Assert.Equal(1, chunkPage["total"]!.GetValue<int>());
        Assert.Equal("second attempt", chunkPage["transcriptions"]![0]!["transcription"]!.GetValue<string>());
        Assert.Equal(1, segmentPage["total"]!.GetValue<int>());
        Assert.Equal(3.0, segmentPage["segments"]![0]!["end"]!.GetValue<double>());
    }

    [Fact]
    public async Task Words_saved_with_a_segment_come_back_from_the_segments_endpoint_and_bad_words_change_nothing()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        var words = new[] { new { start = 0.32, end = 0.61, text = "And", probability = 0.97 }, new { start = 0.61, end = 0.9, text = "so,", probability = 0.5 } };

        using (var saved = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/0",
            new { text = "And so,", segments = new[] { new { start = 0.32, end = 0.9, text = "And so,", words } } }))
        {
            Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        }

        var backwards = new[] { new { start = 0.9, end = 0.3, text = "And", probability = 0.97 } };
        using (var rejected = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/0",
            new { text = "Other", segments = new[] { new { start = 0.32, end = 0.9, text = "Other", words = backwards } } }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
            Assert.Contains("segments.words", await rejected.Content.ReadAsStringAsync(ApiSession.Cancellation), StringComparison.Ordinal);
        }

        using var segments = await api.GetAsync($"/api/v1/transcriptions/{id}/segments", tokens.Access);
        var segment = (await ApiSession.ReadObjectAsync(segments))["segments"]![0]!;
        Assert.Equal("And so,", segment["text"]!.GetValue<string>());
        Assert.Equal(
            [(0.32, 0.61, "And", 0.97), (0.61, 0.9, "so,", 0.5)],
            segment["words"]!.AsArray().Select(w => (w!["start"]!.GetValue<double>(), w["end"]!.GetValue<double>(), w["text"]!.GetValue<string>(), w["probability"]!.GetValue<double>())));
    }

    [Fact]
    public async Task Chunk_beyond_the_audio_length_is_rejected()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk); // 11 s in chunks of 900 s: only chunk 0

        using var beyond = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/1", new { text = "x" });
        using var negative = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/-1", new { text = "x" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, beyond.StatusCode);
        Assert.NotEqual(HttpStatusCode.NoContent, negative.StatusCode);
    }

    [Fact]
    public async Task Chunks_and_transcriptions_are_paged()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var scratch = Directory.CreateTempSubdirectory("lazylecture-paging-").FullName;
        var minute = File.ReadAllBytes(await TestAudio.GenerateAsync(scratch, "minute.wav", 60, ["-ac", "1"]));
        Directory.Delete(scratch, true);
        using var upload = await api.UploadAsync(tokens.Access, minute, path: "/api/v1/transcriptions?chunk_size_secs=10");
        Assert.True(upload.StatusCode == HttpStatusCode.Created, await upload.Content.ReadAsStringAsync(ApiSession.Cancellation));
        var id = (await ApiSession.ReadObjectAsync(upload))["id"]!.GetValue<int>();
        await api.ReportStateAsync(id, "in_progress");
        for (var chunk = 0; chunk <= 6; chunk++)
        {
            await api.SaveChunkAsync(id, chunk, $"chunk number {chunk}");
        }

        await api.ReportStateAsync(id, "completed");
        await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);

        using var chunkPage = await api.GetAsync($"/api/v1/transcriptions/{id}/chunks?page=2&size=3", tokens.Access);
        var chunks = await ApiSession.ReadObjectAsync(chunkPage);
        using var listPage = await api.GetAsync("/api/v1/transcriptions?page=2&size=1", tokens.Access);
        var list = await ApiSession.ReadObjectAsync(listPage);
        using var completedOnly = await api.GetAsync("/api/v1/transcriptions?state=completed", tokens.Access);

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        Assert.Equal(7, chunks["total"]!.GetValue<int>());
        Assert.Equal(3, chunks["pages"]!.GetValue<int>());
        Assert.Equal([3, 4, 5], chunks["transcriptions"]!.AsArray().Select(c => c!["chunk_order"]!.GetValue<int>()));
        Assert.Equal(10, chunks["transcriptions"]![0]!["chunk_size_secs"]!.GetValue<int>());
        Assert.Equal(2, list["total"]!.GetValue<int>());
        Assert.Equal(id, list["transcriptions"]![0]!["id"]!.GetValue<int>()); // newest first: page 2 holds the older one
        Assert.Equal("chunk number 0", list["transcriptions"]![0]!["description"]!.GetValue<string>());
        Assert.Single((await ApiSession.ReadObjectAsync(completedOnly))["transcriptions"]!.AsArray());
    }

    [Fact]
    public async Task Delete_removes_the_transcription_its_chunks_and_audio()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, "to be deleted", (0, 1, "to be deleted"));
        var audio = Path.Combine(fixture.AudioDirectory, id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(File.Exists(audio), "the audio is stored under the transcription's id");

        using var delete = await api.SendAsync(HttpMethod.Delete, $"/api/v1/transcriptions/{id}", null, tokens.Access);
        using var after = await api.GetAsync($"/api/v1/transcriptions/{id}", tokens.Access);
        using var workerView = await api.WorkerAsync(HttpMethod.Get, $"/internal/v1/transcriptions/{id}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, workerView.StatusCode);
        Assert.False(File.Exists(audio));
    }

    [Fact]
    public async Task Worker_endpoints_refuse_user_tokens_and_wrong_keys()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);

        using var withUserToken = await api.SendAsync(HttpMethod.Get, $"/internal/v1/transcriptions/{id}", null, tokens.Access);
        using var withWrongKey = await api.WorkerAsync(HttpMethod.Get, $"/internal/v1/transcriptions/{id}", key: "not-the-worker-key-but-long-enough-000");
        using var withKey = await api.WorkerAsync(HttpMethod.Get, $"/internal/v1/transcriptions/{id}");

        Assert.Equal(HttpStatusCode.Unauthorized, withUserToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withWrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
    }

    [Fact]
    public async Task Chunks_keep_their_real_bounds_and_segments_outside_their_chunk_are_refused()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        using var upload = await api.UploadAsync(tokens.Access, TranscriptionClient.Jfk, path: "/api/v1/transcriptions?chunk_size_secs=10");
        var id = (await ApiSession.ReadObjectAsync(upload))["id"]!.GetValue<int>();
        await api.ReportStateAsync(id, "in_progress");

        // chunk 0 of 10-s chunks cut in the pause at 7.9 s: a segment up to 10 s would overlap chunk 1
        using var overrun = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/0",
            new { text = "x", start = 0.0, end = 7.9, segments = new[] { new { start = 0.36, end = 10.0, text = "x" } } });
        using var partialOverrun = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/0/partial",
            new { text = "x", start = 0.0, end = 7.9, segments = new[] { new { start = 0.36, end = 10.0, text = "x" } } });
        // a cut more than half a chunk from its fixed offset, and one past the recording
        using var farCut = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/0", new { text = "x", start = 0.0, end = 4.0 });
        using var pastEnd = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/1", new { text = "x", start = 7.9, end = 12.5 });
        // without bounds the original's fixed ones apply: 0-10 s
        using var fixedOverrun = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/0",
            new { text = "x", segments = new[] { new { start = 0.36, end = 30.0, text = "x" } } });
        using var saved = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/0",
            new { text = "and so my fellow", start = 0.0, end = 7.9, segments = new[] { new { start = 0.36, end = 7.85, text = "and so my fellow" } } });
        using var next = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/chunks/1",
            new { text = "country", start = 7.9, end = 11.0, segments = new[] { new { start = 8.1, end = 10.7, text = "country" } } });

        Assert.All([overrun, partialOverrun, farCut, pastEnd, fixedOverrun], r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode));
        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, next.StatusCode);
        await using var db = new Npgsql.NpgsqlConnection(fixture.DatabaseConnectionString);
        await db.OpenAsync(ApiSession.Cancellation);
        await using var query = new Npgsql.NpgsqlCommand($"SELECT chunk_no, start_secs, end_secs FROM transcription_chunks WHERE transcription_id = {id} ORDER BY chunk_no", db);
        await using var rows = await query.ExecuteReaderAsync(ApiSession.Cancellation);
        var bounds = new List<(int, double, double)>();
        while (await rows.ReadAsync(ApiSession.Cancellation))
        {
            bounds.Add((rows.GetInt32(0), rows.GetDouble(1), rows.GetDouble(2)));
        }

        Assert.Equal([(0, 0.0, 7.9), (1, 7.9, 11.0)], bounds);
    }

    [Fact]
    public async Task Voice_activity_detection_can_be_turned_off_per_upload_and_the_job_detail_says_how_the_job_ran()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        using var upload = await api.UploadAsync(tokens.Access, TranscriptionClient.Jfk, path: "/api/v1/transcriptions?voice_activity_detection=false");
        var created = await ApiSession.ReadObjectAsync(upload);
        var id = created["id"]!.GetValue<int>();
        using var workerView = await api.WorkerAsync(HttpMethod.Get, $"/internal/v1/transcriptions/{id}");
        var view = await ApiSession.ReadObjectAsync(workerView);
        await api.ReportStateAsync(id, "in_progress");
        using var report = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/run",
            new { engine = "pocketsphinx", detected = false, reason = "turned off for this job" });
        var detail = await api.GetTranscriptionAsync(tokens.Access, id);

        Assert.False(created["voice_activity_detection"]!.GetValue<bool>());
        Assert.False(view["voice_activity"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NoContent, report.StatusCode);
        Assert.Equal("pocketsphinx", detail["engine"]!.GetValue<string>());
        Assert.Equal("without voice activity detection (turned off for this job)", detail["voice_activity_note"]!.GetValue<string>());
        Assert.Null(detail["speech_secs"]);
    }

    [Fact]
    public async Task A_recording_without_speech_completes_empty_and_its_detail_says_so()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");

        using var report = await api.WorkerAsync(HttpMethod.Put, $"/internal/v1/transcriptions/{id}/run", new { engine = "whisper (managed)", detected = true, speech_secs = 0.0 });
        await api.SaveChunkAsync(id, 0, "");
        await api.ReportStateAsync(id, "completed");
        var detail = await api.GetTranscriptionAsync(tokens.Access, id);

        Assert.Equal(HttpStatusCode.NoContent, report.StatusCode);
        Assert.True(detail["voice_activity_detection"]!.GetValue<bool>());
        Assert.Equal(0.0, detail["speech_secs"]!.GetValue<double>());
        Assert.Equal("no speech detected: the transcript is empty", detail["voice_activity_note"]!.GetValue<string>());
        Assert.Equal("completed", detail["current_state"]!.GetValue<string>());
    }
}
