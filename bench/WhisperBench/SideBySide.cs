using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace WhisperBench;

/// <summary>
/// Both engines on the same files in one invocation: each round runs the managed engine and Whisper.net in child processes
/// of this program, one after the other (the order alternating between rounds, so neither always gets the warmer machine),
/// then prints each engine's median encode per window, decode per token, whole-file time and peak memory (each child's
/// own), and the ratios managed/whispernet.
/// </summary>
internal static class SideBySide
{
    private static readonly string[] Engines = [BenchArguments.Managed, BenchArguments.WhisperNet];

    public static async Task<int> RunAsync(BenchArguments arguments, CancellationToken ct)
    {
        var childArguments = ChildArguments(arguments.Raw);
        var figures = Engines.ToDictionary(e => e, _ => new List<Figures>());
        for (var round = 1; round <= arguments.Repeat; round++)
        {
            var order = round % 2 == 1 ? Engines : [.. Engines.Reverse()];
            foreach (var engine in order)
            {
                Console.Error.WriteLine($"side by side: round {round} of {arguments.Repeat}, {engine}...");
                figures[engine].Add(await RunChildAsync(engine, childArguments, ct));
            }
        }

        var managed = Median(figures[BenchArguments.Managed]);
        var whisperNet = Median(figures[BenchArguments.WhisperNet]);
        Console.WriteLine($"side by side: {arguments.Inputs.Count} file(s), {arguments.Repeat} round(s), {arguments.Threads} threads, model {Path.GetFileName(arguments.Model)}; medians");
        Console.WriteLine($"{"",-22}{"managed",12}{"whispernet",12}{"managed/whispernet",20}");
        Row("encode ms per window", managed.Encode, whisperNet.Encode);
        Row("decode ms per token", managed.Decode, whisperNet.Decode);
        Row("whole files ms", managed.Total, whisperNet.Total);
        Row("peak RSS MB", managed.PeakRss, whisperNet.PeakRss);
        if (arguments.JsonPath is not null)
        {
            await File.WriteAllTextAsync(arguments.JsonPath, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["managed"] = managed,
                ["whispernet"] = whisperNet,
                ["ratio_encode"] = Ratio(managed.Encode, whisperNet.Encode),
                ["ratio_decode"] = Ratio(managed.Decode, whisperNet.Decode),
                ["ratio_total"] = Ratio(managed.Total, whisperNet.Total),
                ["ratio_peak_rss"] = Ratio(managed.PeakRss, whisperNet.PeakRss),
            }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }), ct);
            Console.WriteLine($"json: {arguments.JsonPath}");
        }

        return 0;
    }

    /// <summary>One engine's figures over all files of one round.</summary>
    internal sealed record Figures(double Encode, double Decode, double Total, double PeakRss);

    private static void Row(string what, double managed, double whisperNet) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-22}{managed,12:F2}{whisperNet,12:F2}{Ratio(managed, whisperNet),20:F2}"));

    private static double Ratio(double managed, double whisperNet) => whisperNet > 0 ? Math.Round(managed / whisperNet, 3) : double.NaN;

    private static Figures Median(List<Figures> rounds)
    {
        static double Of(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }

        return new Figures(Of(rounds.Select(r => r.Encode)), Of(rounds.Select(r => r.Decode)), Of(rounds.Select(r => r.Total)), Of(rounds.Select(r => r.PeakRss)));
    }

    /// <summary>The arguments less those the parent handles (--side-by-side, --engine, --repeat, --json): each child does one round.</summary>
    private static List<string> ChildArguments(IReadOnlyList<string> raw)
    {
        var kept = new List<string>();
        for (var i = 0; i < raw.Count; i++)
        {
            switch (raw[i])
            {
                case "--side-by-side":
                    break;
                case "--engine" or "--repeat" or "--json":
                    i++;
                    break;
                default:
                    kept.Add(raw[i]);
                    break;
            }
        }

        return kept;
    }

    private static async Task<Figures> RunChildAsync(string engine, List<string> arguments, CancellationToken ct)
    {
        var json = Path.Combine(Path.GetTempPath(), $"whisper-bench-{Guid.NewGuid():N}.json");
        try
        {
            var startInfo = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { RedirectStandardOutput = true };
            if (Path.GetFileNameWithoutExtension(startInfo.FileName) == "dotnet")
            {
                startInfo.ArgumentList.Add(typeof(SideBySide).Assembly.Location);
            }

            foreach (var argument in (string[])[.. arguments, "--engine", engine, "--json", json])
            {
                startInfo.ArgumentList.Add(argument);
            }

            using var child = Process.Start(startInfo) ?? throw new InvalidOperationException("The benchmark could not start itself.");
            // the child's transcript and timings are not shown: only the figures are compared
            var output = child.StandardOutput.ReadToEndAsync(ct);
            await child.WaitForExitAsync(ct);
            if (child.ExitCode != 0)
            {
                throw new InvalidOperationException($"The {engine} run failed ({child.ExitCode}):{Environment.NewLine}{await output}");
            }

            using var report = JsonDocument.Parse(await File.ReadAllBytesAsync(json, ct));
            var root = report.RootElement;
            return new Figures(
                root.GetProperty("encode_ms_per_window").GetDouble(),
                root.GetProperty("decode_ms_per_token").GetDouble(),
                root.GetProperty("total_ms").GetDouble(),
                root.GetProperty("peak_rss_mb").GetDouble());
        }
        finally
        {
            File.Delete(json);
        }
    }
}
