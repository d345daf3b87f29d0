using System.Diagnostics;
using System.Globalization;
using LoadBench;

// bench/load.sh's generator: accounts, then a fixed-duration load (readers, live-stream followers, uploads of real
// recordings), then one large upload with the API's memory sampled; prints the figures and the closing summary line.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var options = BenchOptions.Parse(args);
using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
{
    BaseAddress = options.Api,
    // Uploads wait for ffprobe and the large one moves a gigabyte over loopback on a busy machine.
    Timeout = TimeSpan.FromMinutes(10),
};

// One more account for the large upload, which must not find an active job of the load's.
var accounts = await BenchAccount.CreateAsync(http, options.AdminPassword, options.Accounts + 1, CancellationToken.None);
var largeUploader = accounts[^1];
accounts.RemoveAt(accounts.Count - 1);
Console.WriteLine($"accounts: {accounts.Count} (uploads allowed), clients: {options.Clients}, uploads: {options.Uploads}, duration: {options.Duration.TotalSeconds:0} s");

var log = new RequestLog();
var clients = new LoadClients(http, log);
using var stop = new CancellationTokenSource(options.Duration);
var started = Stopwatch.GetTimestamp();

// One in four clients follows a live stream, within the API's limit of streams per user; the rest read.
var followersPerAccount = Math.Min(5, options.Clients / 4 / accounts.Count);
var load = Enumerable.Range(0, options.Clients).Select(i =>
{
    var account = accounts[i % accounts.Count];
    var follower = i / accounts.Count < followersPerAccount;
    return Task.Run(() => follower ? clients.FollowAsync(account, stop.Token) : clients.ReadAsync(account, stop.Token));
}).ToList();

// Uploads spread over the first half of the run, one per account at a time (a user has one active job at a time).
var uploads = Enumerable.Range(0, options.Uploads).Select(n => Task.Run(async () =>
{
    await Task.Delay(options.Duration / 2 * n / Math.Max(1, options.Uploads));
    await clients.UploadAsync(accounts[n % accounts.Count], options.AudioFiles[n % options.AudioFiles.Count], CancellationToken.None);
})).ToList();

var progress = Task.Run(async () =>
{
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
    long previous = 0;
    while (await timer.WaitForNextTickAsync() && !(stop.IsCancellationRequested && uploads.All(u => u.IsCompleted)))
    {
        var requests = log.Requests;
        Console.Error.WriteLine($"  {Stopwatch.GetElapsedTime(started).TotalSeconds,5:0} s  requests={requests} ({(requests - previous) / 5.0:0}/s)  errors={log.Errors}  " +
            $"jobs accepted={accounts.Sum(a => a.Transcriptions.Count)}/{options.Uploads}  API RSS={ProcessMemory.Format(ProcessMemory.ResidentMiB(options.ApiPid))} MiB  " +
            $"worker RSS={ProcessMemory.Format(ProcessMemory.ResidentMiB(options.WorkerPid))} MiB");
        previous = requests;
    }
});

await Task.WhenAll(load);
await Task.WhenAll(uploads);
var loadSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
var loadRequests = log.Requests;
await progress;
var transcribed = await clients.FinishedAsync(accounts, CancellationToken.None);

LargeUpload.Result? large = null;
if (options.LargeUpload is { } path)
{
    Console.Error.WriteLine($"  uploading {new FileInfo(path).Length / (1024.0 * 1024 * 1024):0.00} GiB while sampling the API's memory…");
    large = await log.TimeAsync("large upload", CancellationToken.None, () => LargeUpload.RunAsync(http, largeUploader, path, options.ApiPid, CancellationToken.None));
}

var all = log.Summarise();
Console.WriteLine($"load: {loadSeconds:0.0} s, {loadRequests} requests, {loadRequests / loadSeconds:0.0} requests/s; " +
    $"uploads accepted {accounts.Sum(a => a.Transcriptions.Count)}/{options.Uploads}, transcribed by the end {transcribed}");
foreach (var kind in log.Kinds)
{
    var s = log.Summarise(kind);
    Console.WriteLine($"  {kind,-13} n={s.Count,7}  p50={s.P50,8:0.0} ms  p99={s.P99,8:0.0} ms  max={s.Max,8:0.0} ms");
}

Console.WriteLine($"latency (all): p50={all.P50:0.0} ms p99={all.P99:0.0} ms; errors: {log.Errors}");
foreach (var error in log.ErrorSamples)
{
    Console.WriteLine($"  error: {error}");
}

if (large is not null)
{
    Console.WriteLine($"large upload: {large.Bytes / (1024.0 * 1024 * 1024):0.00} GiB in {large.Elapsed.TotalSeconds:0.0} s; API RSS before {ProcessMemory.Format(large.RssBeforeMiB)} MiB, " +
        $"peak during {large.PeakRssMiB:0} MiB (+{large.GrowthMiB:0} MiB), after {ProcessMemory.Format(large.RssAfterMiB)} MiB");
}

Console.WriteLine($"peak memory: API {ProcessMemory.Format(ProcessMemory.PeakMiB(options.ApiPid))} MiB, worker {ProcessMemory.Format(ProcessMemory.PeakMiB(options.WorkerPid))} MiB");
Console.WriteLine($"requests={log.Requests} errors={log.Errors} p99_ms={all.P99:0}");
return log.Errors == 0 ? 0 : 1;
