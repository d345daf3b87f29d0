using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>
/// A real, tiny file system (tmpfs) mounted for one test: its size limit holds for root too, so writing past it fails with
/// ENOSPC as a full disk does, and remounted read-only it fails with EROFS whoever writes. Needs root (mount); unmounted and
/// removed on dispose.
/// </summary>
public sealed class SmallTmpfs : IAsyncDisposable
{
    private SmallTmpfs(string path) => Path = path;

    public string Path { get; }

    public static async Task<SmallTmpfs> MountAsync(long bytes)
    {
        Assert.SkipUnless(Environment.UserName == "root", "Mounting a small tmpfs needs root.");
        var path = Directory.CreateTempSubdirectory("lazylecture-tmpfs-").FullName;
        await RunAsync("mount", "-t", "tmpfs", "-o", $"size={bytes.ToString(CultureInfo.InvariantCulture)},mode=0777", "tmpfs", path);
        return new SmallTmpfs(path);
    }

    public Task MakeReadOnlyAsync() => RunAsync("mount", "-o", "remount,ro", Path);

    public IReadOnlyList<string> Entries() => [.. Directory.EnumerateFileSystemEntries(Path)];

    public async ValueTask DisposeAsync()
    {
        await RunAsync("umount", Path);
        Directory.Delete(Path);
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start.");
        var errors = await process.StandardError.ReadToEndAsync(ApiSession.Cancellation);
        await process.WaitForExitAsync(ApiSession.Cancellation);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {errors}");
        }
    }
}
