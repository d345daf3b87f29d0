using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace LoadBench;

/// <summary>
/// Uploads one large recording while sampling the API's resident memory: the API streams uploads to the audio store, so
/// its memory must stay flat whatever the file's size. Cancels the job afterwards (its transcription is not the point).
/// </summary>
public static class LargeUpload
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(200);

    public static async Task<Result> RunAsync(HttpClient http, BenchAccount account, string path, int? apiPid, CancellationToken cancellationToken)
    {
        var before = ProcessMemory.ResidentMiB(apiPid);
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var samples = Task.Run(async () =>
        {
            var peak = before ?? 0;
            using var timer = new PeriodicTimer(SampleEvery);
            try
            {
                while (await timer.WaitForNextTickAsync(sampling.Token))
                {
                    peak = Math.Max(peak, ProcessMemory.ResidentMiB(apiPid) ?? 0);
                }
            }
            catch (OperationCanceledException)
            {
                // the upload has been answered
            }

            return peak;
        }, CancellationToken.None);

        var started = Stopwatch.GetTimestamp();
        using var request = account.Request(HttpMethod.Post, "/api/v1/transcriptions");
        await using var file = File.OpenRead(path);
        request.Content = new MultipartFormDataContent { { new StreamContent(file, 1 << 20), "audiofile", Path.GetFileName(path) } };
        using var response = await http.SendAsync(request, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        await sampling.CancelAsync();
        var peak = await samples;
        await UnexpectedResponseException.EnsureAsync(response, cancellationToken);

        var id = (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["id"]!.GetValue<int>();
        using var cancel = account.Request(HttpMethod.Post, $"/api/v1/transcriptions/{id}/cancel");
        using var cancelled = await http.SendAsync(cancel, cancellationToken);
        await UnexpectedResponseException.EnsureAsync(cancelled, cancellationToken);
        return new Result(new FileInfo(path).Length, elapsed, before, peak, ProcessMemory.ResidentMiB(apiPid));
    }

    public sealed record Result(long Bytes, TimeSpan Elapsed, double? RssBeforeMiB, double PeakRssMiB, double? RssAfterMiB)
    {
        public double GrowthMiB => PeakRssMiB - (RssBeforeMiB ?? PeakRssMiB);
    }
}
