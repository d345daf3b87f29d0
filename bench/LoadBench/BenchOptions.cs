using System.Globalization;

namespace LoadBench;

/// <summary>The command line of bench/load.sh's generator; the administrator's password comes from the environment (never argv, which ps shows).</summary>
public sealed record BenchOptions(
    Uri Api,
    string AdminPassword,
    TimeSpan Duration,
    int Clients,
    int Uploads,
    int Accounts,
    IReadOnlyList<string> AudioFiles,
    string? LargeUpload,
    int? ApiPid,
    int? WorkerPid)
{
    public const string AdminPasswordVariable = "LAZYLECTURE_BENCH_ADMIN_PASSWORD";

    public static BenchOptions Parse(string[] args)
    {
        Uri? api = null;
        var duration = TimeSpan.FromSeconds(120);
        int clients = 200, uploads = 20, accounts = 20;
        List<string> audio = [];
        string? large = null;
        int? apiPid = null, workerPid = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i++])
            {
                case "--api": api = new Uri(value); break;
                case "--duration": duration = TimeSpan.FromSeconds(int.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--clients": clients = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--uploads": uploads = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--accounts": accounts = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--audio": audio.Add(value); break;
                case "--large-upload": large = value; break;
                case "--api-pid": apiPid = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--worker-pid": workerPid = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i - 1]}");
            }
        }

        var password = Environment.GetEnvironmentVariable(AdminPasswordVariable);
        if (api is null || string.IsNullOrEmpty(password) || audio.Count == 0)
        {
            throw new ArgumentException($"usage: LoadBench --api URL --audio FILE… [--duration S] [--clients N] [--uploads N] [--accounts N] [--large-upload FILE] [--api-pid PID] [--worker-pid PID], with {AdminPasswordVariable} set");
        }

        // One upload per account: a user has one active job at a time, and the worker may still be on the first.
        return new BenchOptions(api, password, duration, clients, uploads, Math.Max(accounts, uploads), audio, large, apiPid, workerPid);
    }
}
