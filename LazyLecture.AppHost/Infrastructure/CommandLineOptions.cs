namespace LazyLecture.AppHost.Infrastructure;

/// <summary>
/// Short options for people, turned into the AppHost's configuration keys before Aspire reads the command line:
/// <c>./run.sh --api-port 5090 --web-port 5091 --workers 2 --state-dir DIR --infrastructure local --engine pocketsphinx</c>.
/// Anything else passes through unchanged (Aspire's own options, <c>--AppHost:Key=value</c>).
/// </summary>
public static class CommandLineOptions
{
    private static readonly Dictionary<string, string> ShortOptions = new(StringComparer.Ordinal)
    {
        ["--api-port"] = "AppHost:ApiPort",
        ["--api-replicas"] = "AppHost:ApiReplicas",
        ["--workers"] = "AppHost:WorkerReplicas",
        ["--state-dir"] = "AppHost:StateDirectory",
        ["--infrastructure"] = InfrastructureModeSelection.SettingKey,
        ["--engine"] = "AppHost:WorkerEngine",
        ["--web-port"] = "AppHost:WebPort",
    };

    public static string[] Expand(string[] args)
    {
        List<string> expanded = [];
        for (var i = 0; i < args.Length; i++)
        {
            if (ShortOptions.TryGetValue(args[i], out var key) && i + 1 < args.Length)
            {
                expanded.Add($"--{key}={args[++i]}");
            }
            else
            {
                expanded.Add(args[i]);
            }
        }

        return [.. expanded];
    }
}
