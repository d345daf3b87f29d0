using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace LazyLecture.Api.Transcriptions.Audio;

/// <summary>Where recordings live, named by transcription id. A filesystem folder by default; an object store fits behind it.</summary>
public interface IAudioStore
{
    /// <summary>Streams an upload to a staging file, at most <paramref name="maxBytes"/>; throws <see cref="UploadTooLargeException"/> beyond.</summary>
    Task<StagedAudio> StageAsync(Stream content, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Gives a staged upload its final name; returns the location to store on the transcription.</summary>
    string Commit(StagedAudio staged, int transcriptionId);

    /// <summary>A readable path of a stored recording (for ffmpeg, or to stream it to a worker).</summary>
    string PathOf(string location);

    void Delete(string location);
}

/// <summary>An upload written to a staging file; disposing it deletes the file unless it was committed.</summary>
public sealed class StagedAudio(string path, long length) : IDisposable
{
    public string Path { get; } = path;

    public long Length { get; } = length;

    internal bool Committed { get; set; }

    public void Dispose()
    {
        if (!Committed)
        {
            File.Delete(Path);
        }
    }
}

public sealed class UploadTooLargeException(long maxBytes)
    : Errors.DomainException($"The file is larger than the limit of {maxBytes / (1024 * 1024)} MiB.")
{
    public override int StatusCode => StatusCodes.Status413PayloadTooLarge;

    public override string Title => "Upload too large";
}

public sealed class AudioStoreOptions
{
    public const string Section = "AudioStore";

    /// <summary>The folder of recordings; relative paths are under the API's content root.</summary>
    [Required]
    public string Directory { get; set; } = "data/audio";
}

public sealed class FileSystemAudioStore(IOptions<AudioStoreOptions> options, IHostEnvironment environment) : IAudioStore
{
    private const int CopyBufferSize = 81920;

    private string Root { get; } = CreateRoot(options.Value, environment);

    private string StagingRoot => System.IO.Path.Combine(Root, ".staging");

    public async Task<StagedAudio> StageAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(StagingRoot);
        var path = System.IO.Path.Combine(StagingRoot, Guid.NewGuid().ToString("N"));
        long written = 0;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, useAsync: true);
            var buffer = new byte[CopyBufferSize];
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                written += read;
                if (written > maxBytes)
                {
                    throw new UploadTooLargeException(maxBytes);
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        return new StagedAudio(path, written);
    }

    public string Commit(StagedAudio staged, int transcriptionId)
    {
        var location = transcriptionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        File.Move(staged.Path, PathOf(location), overwrite: true);
        staged.Committed = true;
        return location;
    }

    public string PathOf(string location)
    {
        // Locations are our own transcription ids; anything else is refused rather than resolved outside the root.
        if (location.Length == 0 || !location.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("Not an audio store location.", nameof(location));
        }

        return System.IO.Path.Combine(Root, location);
    }

    public void Delete(string location)
    {
        if (!string.IsNullOrEmpty(location))
        {
            File.Delete(PathOf(location));
        }
    }

    private static string CreateRoot(AudioStoreOptions options, IHostEnvironment environment)
    {
        var root = System.IO.Path.GetFullPath(options.Directory, environment.ContentRootPath);
        Directory.CreateDirectory(root);
        return root;
    }
}
