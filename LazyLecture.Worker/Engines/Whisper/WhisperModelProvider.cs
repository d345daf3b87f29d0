using System.Diagnostics;
using System.Security.Cryptography;
using LazyLecture.Worker.VoiceActivity;
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
/// checksum verification; the same for the voice activity model (Silero VAD). Says what it did, or why no model can be had, once.
/// </summary>
public sealed class WhisperModelProvider(
    IOptions<WhisperEngineOptions> options,
    IOptions<VoiceActivityOptions> voiceActivity,
    IHttpClientFactory httpClients,
    ILogger<WhisperModelProvider> logger)
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
            if (await ChecksumAsync(path, SHA1.HashDataAsync, cancellationToken) == sha1)
            {
                logger.LogInformation("Whisper model: {Path} (cached, checksum verified)", path);
                return new(WhisperModelStatus.Ready, path);
            }

            logger.LogWarning("Cached Whisper model {Path} fails its checksum; downloading it again", path);
            File.Delete(path);
        }

        return await DownloadAsync(settings, path, sha1, cancellationToken);
    }

    /// <summary>
    /// The Silero VAD model for voice activity detection: the configured file (<c>VoiceActivity:ModelPath</c>), or the official
    /// v5.1.2 file in the cache (SHA-256 verified), or downloaded into it. Without one, jobs run without detection.
    /// </summary>
    public async Task<WhisperModelLocation> ProvideVoiceActivityModelAsync(CancellationToken cancellationToken)
    {
        var configuredPath = voiceActivity.Value.ModelPath;
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            var configured = Path.GetFullPath(configuredPath);
            if (File.Exists(configured))
            {
                logger.LogInformation("Voice activity model: {Path} (configured)", configured);
                return new(WhisperModelStatus.Ready, configured);
            }

            logger.LogWarning("Voice activity model {ModelPath} does not exist", configuredPath);
            return new(WhisperModelStatus.Misconfigured, null);
        }

        var settings = options.Value;
        var sha256 = WhisperModelCatalog.VoiceActivityModelSha256;
        var path = Path.Combine(settings.CacheDirectory, WhisperModelCatalog.VoiceActivityModelFileName);
        if (File.Exists(path))
        {
            if (await ChecksumAsync(path, SHA256.HashDataAsync, cancellationToken) == sha256)
            {
                logger.LogInformation("Voice activity model: {Path} (cached, checksum verified)", path);
                return new(WhisperModelStatus.Ready, path);
            }

            logger.LogWarning("Cached voice activity model {Path} fails its checksum; downloading it again", path);
            File.Delete(path);
        }

        var download = new ModelDownload("voice activity model", "silero_vad v5.1.2", voiceActivity.Value.DownloadUrl, path,
            file => ChecksumAsync(file, SHA256.HashDataAsync, cancellationToken), sha256,
            "offline machines transcribe without voice activity detection");
        return await DownloadAsync(download, settings, cancellationToken);
    }

    /// <summary>One file to fetch: what it is (for the messages), from where, to where, and how its checksum is computed.</summary>
    private sealed record ModelDownload(string Kind, string Name, string Url, string Path, Func<string, Task<string>> Checksum, string ExpectedChecksum, string Fallback);

    private Task<WhisperModelLocation> DownloadAsync(WhisperEngineOptions settings, string path, string sha1, CancellationToken cancellationToken) =>
        DownloadAsync(
            new ModelDownload("Whisper model", settings.Model, $"{settings.DownloadBaseUrl.TrimEnd('/')}/{WhisperModelCatalog.FileName(settings.Model)}", path,
                file => ChecksumAsync(file, SHA1.HashDataAsync, cancellationToken), sha1, "offline machines use PocketSphinx"),
            settings,
            cancellationToken);

    private async Task<WhisperModelLocation> DownloadAsync(ModelDownload download, WhisperEngineOptions settings, CancellationToken cancellationToken)
    {
        var partial = download.Path + ".part";
        var kind = download.Kind;
        var title = char.ToUpperInvariant(kind[0]) + kind[1..];
        Directory.CreateDirectory(settings.CacheDirectory);
        logger.LogInformation("Downloading {Kind} {Model} from {Url}", kind, download.Name, download.Url);
        try
        {
            var http = httpClients.CreateClient(DownloadClient);
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connect.CancelAfter(settings.ConnectTimeout);
            using var response = await http.GetAsync(download.Url, HttpCompletionOption.ResponseHeadersRead, connect.Token);
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
                        logger.LogInformation("{Kind} download: {DoneMb:0} / {TotalMb:0} MB", title, done / 1e6, (total ?? 0) / 1e6);
                        lastReport.Restart();
                    }
                }
            }

            if (await download.Checksum(partial) != download.ExpectedChecksum)
            {
                logger.LogWarning("Downloaded {Kind} {Model} fails its checksum; not used", kind, download.Name);
                File.Delete(partial);
                return new(WhisperModelStatus.Unavailable, null);
            }

            File.Move(partial, download.Path, overwrite: true);
            logger.LogInformation("{Kind} {Model} ready at {Path}", title, download.Name, download.Path);
            return new(WhisperModelStatus.Ready, download.Path);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            File.Delete(partial);
            logger.LogWarning("No {Kind}: the download of {Model} failed ({Message}); {Fallback}", kind, download.Name, ex.Message, download.Fallback);
            return new(WhisperModelStatus.Unavailable, null);
        }
    }

    private static async Task<string> ChecksumAsync(string path, Func<Stream, CancellationToken, ValueTask<byte[]>> hash, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await hash(file, cancellationToken));
    }
}
