using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace LazyLecture.Tests.Hosting;

/// <summary>The API process killed (SIGKILL, no shutdown code runs) while it is receiving a recording.</summary>
// Kills the shared API: in SerialTests, apart from every other test of the shared application.
[Collection(nameof(SerialTests))]
public sealed class ApiKilledDuringUploadTests(AppHostFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task After_a_kill_mid_upload_the_restarted_api_has_no_half_written_file_or_row_and_serves_normally()
    {
        using var api = new ApiSession(fixture);
        var (userId, tokens) = await api.NewUploaderAsync();
        var storedBefore = fixture.StoredRecordings();
        var staging = Path.Combine(fixture.AudioDirectory, ".staging");

        // The body stops half-way and stays open: the API is mid-upload, with part of the recording on its disk.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(ApiSession.Cancellation);
        var halfSent = new TaskCompletionSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transcriptions") { Content = new StalledUpload(TranscriptionClient.Jfk, halfSent) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Access);
        var upload = api.Http.SendAsync(request, abandon.Token);
        await halfSent.Task.WaitAsync(Patience, ApiSession.Cancellation);
        var partial = await Eventually.MatchesAsync(() => Task.FromResult(StagedFiles(staging)), files => files.Any(f => f.Length > 0), Patience, "the upload's first bytes on disk");

        var killed = fixture.Application.Snapshots.Single(ResourceNames.Api);
        ApplicationExtensions.KillProcessTree(ResourceSnapshots.ProcessId(killed));
        await abandon.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => upload);
        // What a crash leaves: the half-written file is still there until the next start cleans it.
        Assert.True(File.Exists(partial.First(f => f.Length > 0).FullName), "the killed API's partial upload vanished before any restart");

        await Eventually.MatchesAsync(() => Task.FromResult(fixture.Application.Snapshots.Single(ResourceNames.Api).Snapshot.State?.Text),
            state => state is "Exited" or "Finished", Patience, "DCP to see the API gone");
        await fixture.App.StartResourceAsync(ResourceNames.Api, ApiSession.Cancellation);
        await Eventually.MatchesAsync(() => Task.FromResult(fixture.Application.Snapshots.Single(ResourceNames.Api).Snapshot),
            s => s.State?.Text == KnownResourceStates.Running && s.HealthStatus == HealthStatus.Healthy, Patience, "the API running and healthy again");
        await Eventually.MatchesAsync(async () => (await api.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, Patience, "the restarted API ready");

        Assert.Empty(StagedFiles(staging));
        Assert.Equal(storedBefore, fixture.StoredRecordings());
        Assert.Equal(0, await ProblemAssert.TranscriptionCountAsync(fixture, userId));

        // And the same user uploads normally: exactly one row and one stored file.
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        Assert.Equal(TranscriptionClient.Jfk.Length, new FileInfo(Path.Combine(fixture.AudioDirectory, id.ToString(System.Globalization.CultureInfo.InvariantCulture))).Length);
        Assert.Equal([.. storedBefore.Append(id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal)], fixture.StoredRecordings());
        Assert.Equal(1, await ProblemAssert.TranscriptionCountAsync(fixture, userId));
    }


    private static List<FileInfo> StagedFiles(string staging) =>
        Directory.Exists(staging) ? [.. new DirectoryInfo(staging).EnumerateFiles()] : [];

    /// <summary>A multipart upload that sends its file's bytes, then neither ends nor sends more (chunked, no length).</summary>
    private sealed class StalledUpload : HttpContent
    {
        private const string Boundary = "stalled-upload-boundary";
        private readonly byte[] _head;
        private readonly TaskCompletionSource _sent;

        public StalledUpload(byte[] recording, TaskCompletionSource sent)
        {
            _head = [.. Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"audiofile\"; filename=\"lecture.wav\"\r\nContent-Type: audio/wav\r\n\r\n"), .. recording];
            _sent = sent;
            Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(_head, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            _sent.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
