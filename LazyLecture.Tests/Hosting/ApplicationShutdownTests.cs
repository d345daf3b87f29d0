using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Hosting;

public sealed class ApplicationShutdownTests
{
    [Fact]
    public async Task Disposing_the_application_leaves_no_process_of_it_behind()
    {
        // A second, independent instance beside the shared one: it must not collide with it (ports, node names, epmd).
        var application = await TestApplication.StartAsync();
        var stateDirectory = application.StateDirectory;
        var processes = RunningProcesses().Where(p => p.CommandLine.Contains(stateDirectory, StringComparison.Ordinal)).ToList();
        Assert.True(processes.Count >= 2, $"expected the PostgreSQL and RabbitMQ servers among its processes, saw {processes.Count}");

        await application.DisposeAsync();

        await Eventually.MatchesAsync(
            () => Task.FromResult(RunningProcesses().Where(p => p.CommandLine.Contains(stateDirectory, StringComparison.Ordinal)).ToList()),
            survivors => survivors.Count == 0, TimeSpan.FromSeconds(30), "every process of the disposed application to end");
        Assert.False(Directory.Exists(stateDirectory), "the test application's state folder was not deleted");
    }

    private sealed record ProcessInfo(int Pid, string CommandLine);

    private static IEnumerable<ProcessInfo> RunningProcesses()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue; // exited while we looked
            }

            yield return new ProcessInfo(pid, commandLine);
        }
    }
}
