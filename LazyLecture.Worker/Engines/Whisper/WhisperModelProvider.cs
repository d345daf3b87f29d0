using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace LazyLecture.Worker.Engines.Whisper;

/// <summary>
/// Finds the Whisper model: the configured file, or the official model in the cache (checksum-verified), or downloads it
/// into the cache with progress and checksum verification. Returns null, having said why once, when none can be had.
/// </summary>
public sealed class WhisperModelProvider(IOptions<WhisperEngineOptions> options, IHttpClientFactory httpClients, ILogger<WhisperModelProvider> logger)
{
    public const string DownloadClient = "whisper-model-download";

    public async Task<string?> LocateAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        string sha1;
        if (!string.IsNullOrWhiteSpace(settings.ModelPath))
        {
            if (File.Exists(settings.ModelPath))
            {
                return settings.ModelPath;
            }

            logger.LogWarning("Whisper model {ModelPath} does not exist", settings.ModelPath);
            return null;
        }

        if (!string.IsNullOrWhiteSpace(settings.ModelSha1))
        {
            sha1 = settings.ModelSha1.Trim().ToLowerInvariant();
        }
        else if (!WhisperModelCatalog.TryGetSha1(settings.Model, out sha1))
        {
            logger.LogWarning("Unknown Whisper model '{Model}': set Engines:Whisper:ModelPath to a ggml file, or Engines:Whisper:ModelSha1 to download it", settings.Model);
            return null;
        }

        var path = Path.Combine(settings.CacheDirectory, WhisperModelCatalog.FileName(settings.Model));
        if (File.Exists(path))
        {
            if (await Sha1Async(path, cancellationToken) == sha1)
            {
                return path;
            }

            logger.LogWarning("Cached Whisper model {Path} fails its checksum; downloading it again", path);
            File.Delete(path);
        }

        return await DownloadAsync(settings, path, sha1, cancellationToken);
    }

    private async Task<string?> DownloadAsync(WhisperEngineOptions settings, string path, string sha1, CancellationToken cancellationToken)
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
                return null;
            }

            File.Move(partial, path, overwrite: true);
            logger.LogInformation("Whisper model {Model} ready at {Path}", settings.Model, path);
            return path;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            File.Delete(partial);
            logger.LogWarning("No Whisper model: the download of {Model} failed ({Message}); offline machines use PocketSphinx", settings.Model, ex.Message);
            return null;
        }
    }

    private static async Task<string> Sha1Async(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA1.HashDataAsync(file, cancellationToken));
    }
}
