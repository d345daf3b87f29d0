using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace LazyLecture.Worker.Engines.Whisper;

/// <summary>Whether a Whisper model could be had: a configuration that names none is a mistake, a failed download is not.</summary>
public enum WhisperModelStatus
{
    Ready,
    Misconfigured,
    Unavailable,
}

/// <summary>The model's file when <see cref="Status"/> is <see cref="WhisperModelStatus.Ready"/>.</summary>
public sealed record WhisperModelLocation(WhisperModelStatus Status, string? Path);

/// <summary>
/// The one model provider, for the worker and for ./run.sh (through <see cref="WhisperModelCommand"/>): the configured
/// file, or the official model in the cache (checksum-verified), or downloads it into the cache with progress and
/// checksum verification. Says what it did, or why no model can be had, once.
/// </summary>
public sealed class WhisperModelProvider(IOptions<WhisperEngineOptions> options, IHttpClientFactory httpClients, ILogger<WhisperModelProvider> logger)
{
    public const string DownloadClient = "whisper-model-download";

    /// <summary>The model's file, or null when there is none (the worker then falls back to PocketSphinx).</summary>
    public async Task<string?> LocateAsync(CancellationToken cancellationToken) => (await ProvideAsync(cancellationToken)).Path;

    public async Task<WhisperModelLocation> ProvideAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        string sha1;
        if (!string.IsNullOrWhiteSpace(settings.ModelPath))
        {
            var configured = Path.GetFullPath(settings.ModelPath);
            if (File.Exists(configured))
            {
                logger.LogInformation("Whisper model: {Path} (configured)", configured);
                return new(WhisperModelStatus.Ready, configured);
            }

            logger.LogWarning("Whisper model {ModelPath} does not exist", settings.ModelPath);
            return new(WhisperModelStatus.Misconfigured, null);
        }

        if (!string.IsNullOrWhiteSpace(settings.ModelSha1))
        {
            sha1 = settings.ModelSha1.Trim().ToLowerInvariant();
        }
        else if (!WhisperModelCatalog.TryGetSha1(settings.Model, out sha1))
        {
            logger.LogWarning("Unknown Whisper model '{Model}' (known: {Known}): set Engines:Whisper:ModelPath to a ggml file, or Engines:Whisper:ModelSha1 to download it",
                settings.Model, string.Join(' ', WhisperModelCatalog.Models));
            return new(WhisperModelStatus.Misconfigured, null);
        }

        var path = Path.Combine(settings.CacheDirectory, WhisperModelCatalog.FileName(settings.Model));
        if (File.Exists(path))
        {
            if (await Sha1Async(path, cancellationToken) == sha1)
            {
                logger.LogInformation("Whisper model: {Path} (cached, checksum verified)", path);
                return new(WhisperModelStatus.Ready, path);
            }

            logger.LogWarning("Cached Whisper model {Path} fails its checksum; downloading it again", path);
            File.Delete(path);
        }

        return await DownloadAsync(settings, path, sha1, cancellationToken);
    }

    private async Task<WhisperModelLocation> DownloadAsync(WhisperEngineOptions settings, string path, string sha1, CancellationToken cancellationToken)
    {
        var url = $"{settings.DownloadBaseUrl.TrimEnd('/')}/{WhisperModelCatalog.FileName(settings.Model)}";
        var partial = path + ".part";
        Directory.CreateDirectory(settings.CacheDirectory);
        logger.LogInformation("Downloading Whisper model {Model} from {Url}", settings.Model, url);
        try
        {
            var http = httpClients.CreateClient(DownloadClient);
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connect.CancelAfter(settings.ConnectTimeout);
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, connect.Token);
            response.EnsureSuccessStatusCode();
            var total = response.Content.Headers.ContentLength;
            await using (var source = await response.Content.ReadAsStreamAsync(cancellationToken))
            await using (var target = File.Create(partial))
            {
                var buffer = new byte[1 << 20];
                long done = 0;
                var lastReport = Stopwatch.StartNew();
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    done += read;
                    if (lastReport.Elapsed > TimeSpan.FromSeconds(2))
                    {
                        logger.LogInformation("Whisper model download: {DoneMb:0} / {TotalMb:0} MB", done / 1e6, (total ?? 0) / 1e6);
                        lastReport.Restart();
                    }
                }
            }

            if (await Sha1Async(partial, cancellationToken) != sha1)
            {
                logger.LogWarning("Downloaded Whisper model {Model} fails its checksum; not used", settings.Model);
                File.Delete(partial);
                return new(WhisperModelStatus.Unavailable, null);
            }

            File.Move(partial, path, overwrite: true);
            logger.LogInformation("Whisper model {Model} ready at {Path}", settings.Model, path);
            return new(WhisperModelStatus.Ready, path);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            File.Delete(partial);
            logger.LogWarning("No Whisper model: the download of {Model} failed ({Message}); offline machines use PocketSphinx", settings.Model, ex.Message);
            return new(WhisperModelStatus.Unavailable, null);
        }
    }

    private static async Task<string> Sha1Async(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA1.HashDataAsync(file, cancellationToken));
    }
}
