namespace LazyLecture.Tests.Infrastructure;

/// <summary>The machine's processes as /proc lists them: how tests see what an application left running.</summary>
public static class ProcessTable
{
    public sealed record ProcessInfo(int Pid, string CommandLine);

    public static IEnumerable<ProcessInfo> Running()
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

    /// <summary>The running processes whose command line names <paramref name="text"/> (a state folder, say).</summary>
    public static List<ProcessInfo> Naming(string text) => [.. Running().Where(p => p.CommandLine.Contains(text, StringComparison.Ordinal))];
}
