namespace LazyLecture.Api.Transcriptions.Audio;

/// <summary>
/// The input URL handed to ffmpeg/ffprobe. ffmpeg lets a file's extension sway format detection (random bytes named .mp3
/// "probe" as MP3), so a file with an extension is reached through a temporary extension-less link and judged by content alone.
/// </summary>
internal sealed class ContentOnlyInput : IDisposable
{
    private readonly string? _linkDirectory;

    private ContentOnlyInput(string path, string? linkDirectory)
    {
        // "file:" keeps a path containing ':' from being read as another protocol.
        Url = "file:" + path;
        _linkDirectory = linkDirectory;
    }

    public string Url { get; }

    public static ContentOnlyInput For(string fullPath)
    {
        if (!Path.HasExtension(fullPath))
        {
            return new ContentOnlyInput(fullPath, null);
        }

        var directory = Directory.CreateTempSubdirectory("lazylecture-probe-").FullName;
        try
        {
            var link = Path.Combine(directory, "input");
            File.CreateSymbolicLink(link, fullPath);
            return new ContentOnlyInput(link, directory);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public void Dispose()
    {
        if (_linkDirectory is not null)
        {
            try
            {
                Directory.Delete(_linkDirectory, recursive: true); // removes the link, never the file it points to
            }
            catch (IOException)
            {
                // A leftover empty folder in the temp directory is harmless.
            }
        }
    }
}
