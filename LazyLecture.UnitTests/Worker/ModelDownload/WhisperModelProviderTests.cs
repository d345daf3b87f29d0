using System.Security.Cryptography;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Worker.Engines.Whisper;
using LazyLecture.Worker.VoiceActivity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace LazyLecture.Tests.Worker.ModelDownload;

/// <summary>
/// The one model provider (the worker's, and ./run.sh's through the worker's <c>whisper-model</c> command) against a
/// local HTTP server standing in for the model repository (no application is started): progress is reported, a model
/// matching its checksum is kept and reused, a mismatching or cut-off download is refused and leaves no file behind, and
/// an unreachable repository gives up quickly so the worker falls back; the command prints the path and tells a
/// configuration mistake from an offline machine by its exit code.
/// </summary>
public sealed class WhisperModelProviderTests : IDisposable
{
    private const string Model = "synthetic-micro.en";

    private readonly string _cache = Directory.CreateTempSubdirectory("lazylecture-model-cache-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_download_matching_its_checksum_is_reported_kept_and_reused()
    {
        var model = await File.ReadAllBytesAsync(SharedAssets.Require("models/synthetic-micro.en.bin"), Cancellation);
        var requests = 0;
        await using var server = await ModelServer.StartAsync(async http =>
        {
            requests++;
            await ServeSlowlyAsync(http, model, model.Length);
        });
        var log = new ListLogger();

        var path = await Provider(server.BaseUrl, Sha1(model), log).LocateAsync(Cancellation);
        var again = await Provider(server.BaseUrl, Sha1(model), log).LocateAsync(Cancellation);

        Assert.Equal(Path.Combine(_cache, WhisperModelCatalog.FileName(Model)), path);
        Assert.Equal(path, again);
        Assert.Equal(model, await File.ReadAllBytesAsync(path!, Cancellation));
        Assert.Equal(1, requests); // the second call found the verified file in the cache
        Assert.Contains(log.Lines, l => l.StartsWith("Whisper model download: ", StringComparison.Ordinal) && l.EndsWith($"/ {model.Length / 1e6:0} MB", StringComparison.Ordinal));
        Assert.Equal([WhisperModelCatalog.FileName(Model)], CacheFiles());
    }

    [Fact]
    public async Task A_download_failing_its_checksum_is_refused_and_deleted()
    {
        var model = await File.ReadAllBytesAsync(SharedAssets.Require("models/synthetic-micro.en.bin"), Cancellation);
        var corrupt = (byte[])model.Clone();
        corrupt[corrupt.Length / 2] ^= 0xFF;
        await using var server = await ModelServer.StartAsync(http => ServeSlowlyAsync(http, corrupt, corrupt.Length, slices: 1));
        var log = new ListLogger();

        var path = await Provider(server.BaseUrl, Sha1(model), log).LocateAsync(Cancellation);

        Assert.Null(path);
        Assert.Empty(CacheFiles());
        Assert.Contains(log.Lines, l => l.Contains("fails its checksum", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_download_cut_off_midway_is_refused_and_deleted()
    {
        var model = await File.ReadAllBytesAsync(SharedAssets.Require("models/synthetic-micro.en.bin"), Cancellation);
        await using var server = await ModelServer.StartAsync(async http =>
        {
            // Announces the whole model, sends half, then drops the connection.
            await ServeSlowlyAsync(http, model[..(model.Length / 2)], model.Length, slices: 1);
            http.Abort();
        });
        var log = new ListLogger();

        var path = await Provider(server.BaseUrl, Sha1(model), log).LocateAsync(Cancellation);

        Assert.Null(path);
        Assert.Empty(CacheFiles());
        Assert.Contains(log.Lines, l => l.Contains("download of " + Model + " failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_repository_gives_up_and_leaves_the_cache_empty()
    {
        var log = new ListLogger();

        var path = await Provider(OfflineUrl(), "0000000000000000000000000000000000000000", log).LocateAsync(Cancellation);

        Assert.Null(path);
        Assert.Empty(CacheFiles());
        Assert.Contains(log.Lines, l => l.Contains("offline machines use PocketSphinx", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_command_downloads_once_prints_only_the_path_and_says_what_it_did()
    {
        var model = await File.ReadAllBytesAsync(SharedAssets.Require("models/synthetic-micro.en.bin"), Cancellation);
        var requests = 0;
        await using var server = await ModelServer.StartAsync(async http =>
        {
            requests++;
            await ServeSlowlyAsync(http, model, model.Length, slices: 1);
        });

        var first = await RunCommandAsync(server.BaseUrl, Sha1(model));
        var second = await RunCommandAsync(server.BaseUrl, Sha1(model));

        var expected = Path.Combine(_cache, WhisperModelCatalog.FileName(Model));
        Assert.Equal((WhisperModelCommand.Ready, expected), (first.ExitCode, first.Output.Trim()));
        Assert.Equal((WhisperModelCommand.Ready, expected), (second.ExitCode, second.Output.Trim()));
        Assert.Equal(1, requests);
        Assert.Contains($"Downloading Whisper model {Model} from {server.BaseUrl}/", first.Messages, StringComparison.Ordinal);
        Assert.Contains($"Whisper model: {expected} (cached, checksum verified)", second.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_tells_an_offline_machine_from_a_configuration_mistake()
    {

        var offline = await RunCommandAsync(OfflineUrl(), "0000000000000000000000000000000000000000");
        var unknown = await RunCommandAsync(OfflineUrl(), sha1: null, model: "no-such-model");
        var missing = await RunCommandAsync(OfflineUrl(), sha1: null, modelPath: Path.Combine(_cache, "absent.bin"));

        Assert.Equal((WhisperModelCommand.Unavailable, ""), (offline.ExitCode, offline.Output));
        Assert.Equal((WhisperModelCommand.Misconfigured, ""), (unknown.ExitCode, unknown.Output));
        Assert.Contains("warning: Unknown Whisper model 'no-such-model' (known: ", unknown.Messages, StringComparison.Ordinal);
        Assert.Contains("base.en", unknown.Messages, StringComparison.Ordinal);
        Assert.Equal((WhisperModelCommand.Misconfigured, ""), (missing.ExitCode, missing.Output));
        Assert.Empty(CacheFiles());
    }

    [Fact]
    public async Task The_command_gives_a_configured_file_as_an_absolute_path_without_downloading()
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, SharedAssets.Require("models/synthetic-micro.en.bin"));

        var run = await RunCommandAsync(OfflineUrl(), sha1: null, modelPath: relative);

        Assert.Equal((WhisperModelCommand.Ready, SharedAssets.Require("models/synthetic-micro.en.bin")), (run.ExitCode, run.Output.Trim()));
        Assert.Contains("(configured)", run.Messages, StringComparison.Ordinal);
        Assert.Empty(CacheFiles());
    }

    [Fact]
    public async Task The_vad_model_command_downloads_silero_vad_once_checks_its_sha256_and_refuses_another_file()
    {
        var model = await File.ReadAllBytesAsync(SharedAssets.Require(SharedAssets.VoiceActivityModel), Cancellation);
        var other = await File.ReadAllBytesAsync(SharedAssets.Require("models/vad/silero_vad-v6.onnx"), Cancellation);
        var requests = 0;
        await using var server = await ModelServer.StartAsync(async http =>
        {
            requests++;
            var body = http.Request.Path == "/v5.onnx" ? model : other;
            http.Response.ContentLength = body.Length;
            await http.Response.Body.WriteAsync(body, Cancellation);
        });

        var wrong = await RunVadCommandAsync(server.BaseUrl + "/v6.onnx");
        var first = await RunVadCommandAsync(server.BaseUrl + "/v5.onnx");
        var second = await RunVadCommandAsync(server.BaseUrl + "/v5.onnx");

        var expected = Path.Combine(_cache, WhisperModelCatalog.VoiceActivityModelFileName);
        Assert.Equal((WhisperModelCommand.Unavailable, ""), (wrong.ExitCode, wrong.Output));
        Assert.Contains("fails its checksum", wrong.Messages, StringComparison.Ordinal);
        Assert.Equal((WhisperModelCommand.Ready, expected), (first.ExitCode, first.Output.Trim()));
        Assert.Equal((WhisperModelCommand.Ready, expected), (second.ExitCode, second.Output.Trim()));
        Assert.Contains("(cached, checksum verified)", second.Messages, StringComparison.Ordinal);
        Assert.Equal(2, requests);
        Assert.Equal(WhisperModelCatalog.VoiceActivityModelSha256, Convert.ToHexStringLower(SHA256.HashData(model)));
    }

    private async Task<(int ExitCode, string Output, string Messages)> RunVadCommandAsync(string url)
    {
        using var output = new StringWriter();
        using var messages = new StringWriter();
        var exitCode = await WhisperModelCommand.RunAsync(
            [WhisperModelCommand.VoiceActivityName, "--VoiceActivity:DownloadUrl", url, "--Engines:Whisper:CacheDirectory", _cache, "--Engines:Whisper:ConnectTimeout", "00:00:05"],
            output, messages, Cancellation);
        return (exitCode, output.ToString(), messages.ToString());
    }

    private async Task<(int ExitCode, string Output, string Messages)> RunCommandAsync(string baseUrl, string? sha1, string model = Model, string? modelPath = null)
    {
        string[] arguments =
        [
            WhisperModelCommand.Name,
            "--Engines:Whisper:Model", model,
            "--Engines:Whisper:DownloadBaseUrl", baseUrl,
            "--Engines:Whisper:CacheDirectory", _cache,
            "--Engines:Whisper:ConnectTimeout", "00:00:05",
            .. sha1 is null ? Array.Empty<string>() : ["--Engines:Whisper:ModelSha1", sha1],
            .. modelPath is null ? Array.Empty<string>() : ["--Engines:Whisper:ModelPath", modelPath],
        ];
        using var output = new StringWriter();
        using var messages = new StringWriter();
        var exitCode = await WhisperModelCommand.RunAsync(arguments, output, messages, Cancellation);
        return (exitCode, output.ToString(), messages.ToString());
    }

    private WhisperModelProvider Provider(string baseUrl, string sha1, ListLogger log) => new(
        Options.Create(new WhisperEngineOptions { Model = Model, ModelSha1 = sha1, DownloadBaseUrl = baseUrl, CacheDirectory = _cache, ConnectTimeout = TimeSpan.FromSeconds(5) }),
        Options.Create(new VoiceActivityOptions()),
        new PlainHttpClients(),
        log);

    /// <summary>A port nothing listens on: what an offline machine sees.</summary>
    private static string OfflineUrl()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"http://127.0.0.1:{port}";
    }

    private List<string> CacheFiles() => [.. Directory.EnumerateFiles(_cache).Select(f => Path.GetFileName(f)).Order()];

    private static string Sha1(byte[] content) => Convert.ToHexStringLower(SHA1.HashData(content));

    /// <summary>Sends the body in slices over about three seconds, so that the provider's progress report (every 2 s) fires.</summary>
    private static async Task ServeSlowlyAsync(HttpContext http, byte[] body, long declaredLength, int slices = 30)
    {
        if (http.Request.Path != "/" + WhisperModelCatalog.FileName(Model))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        http.Response.ContentLength = declaredLength;
        http.Response.ContentType = "application/octet-stream";
        var slice = (body.Length + slices - 1) / slices;
        for (var offset = 0; offset < body.Length; offset += slice)
        {
            await http.Response.Body.WriteAsync(body.AsMemory(offset, Math.Min(slice, body.Length - offset)), http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
            if (slices > 1)
            {
                await Task.Delay(100, http.RequestAborted);
            }
        }
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private sealed class ModelServer(WebApplication app, string baseUrl) : IAsyncDisposable
    {
        public string BaseUrl { get; } = baseUrl;

        public static async Task<ModelServer> StartAsync(RequestDelegate handler)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.Run(handler);
            await app.StartAsync(Cancellation);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new ModelServer(app, address);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private sealed class PlainHttpClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }

    /// <summary>Keeps each formatted log line, to check what the provider told the operator.</summary>
    private sealed class ListLogger : ILogger<WhisperModelProvider>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }
}
