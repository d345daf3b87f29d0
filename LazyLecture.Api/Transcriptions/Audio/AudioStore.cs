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

    /// <summary>Deletes staged uploads that no running request holds (left by a crash); returns how many.</summary>
    int DeleteAbandonedUploads();
}

/// <summary>
/// An upload written to a staging file; disposing it deletes the file unless it was committed. Until then it holds the
/// file open with an exclusive lock, which tells a starting replica's sweep that this upload is alive.
/// </summary>
public sealed class StagedAudio(string path, long length, IDisposable? liveLock = null) : IDisposable
{
    public string Path { get; } = path;

    public long Length { get; } = length;

    internal bool Committed { get; private set; }

    internal void MarkCommitted()
    {
        Committed = true;
        liveLock?.Dispose(); // the committed file is the worker's to read now
    }

    public void Dispose()
    {
        if (!Committed)
        {
            File.Delete(Path);
        }

        liveLock?.Dispose();
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
        var path = System.IO.Path.Combine(StagingRoot, Guid.NewGuid().ToString("N"));
        FileStream? file = null;
        long written = 0;
        // Which side failed: the request body (the client's problem, reported as such) or the store's disk (ours).
        var onStore = true;
        try
        {
            Directory.CreateDirectory(StagingRoot);
            // FileShare.None takes an exclusive flock on Linux, held until the upload is committed or dropped: a file in
            // the staging folder that nobody locks belongs to a request that died with its process.
            file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, useAsync: true);
            var buffer = new byte[CopyBufferSize];
            while (true)
            {
                onStore = false;
                var read = await content.ReadAsync(buffer, cancellationToken);
                onStore = true;
                if (read == 0)
                {
                    break;
                }

                written += read;
                if (written > maxBytes)
                {
                    throw new UploadTooLargeException(maxBytes);
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            await file.FlushAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            DeletePartial(path, file);
            if (onStore && ex is IOException or UnauthorizedAccessException)
            {
                throw AudioStoreUnavailableException.From(ex);
            }

            throw;
        }

        return new StagedAudio(path, written, file);
    }

    public int DeleteAbandonedUploads()
    {
        if (!Directory.Exists(StagingRoot))
        {
            return 0;
        }

        var deleted = 0;
        foreach (var path in Directory.EnumerateFiles(StagingRoot))
        {
            try
            {
                using var unlocked = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
                File.Delete(path);
                deleted++;
            }
            catch (IOException)
            {
                // locked: an upload in progress on another replica (or gone meanwhile)
            }
        }

        return deleted;
    }

    private static void DeletePartial(string path, FileStream? file)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // the store has just failed; the sweep at the next start removes what is left
        }
        finally
        {
            try
            {
                file?.Dispose();
            }
            catch (IOException)
            {
                // flushing the last buffer to a full disk fails again: the file is already unlinked
            }
        }
    }

    public string Commit(StagedAudio staged, int transcriptionId)
    {
        var location = transcriptionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        File.Move(staged.Path, PathOf(location), overwrite: true);
        staged.MarkCommitted();
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
