using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace WhisperBench;

/// <summary>
/// Both engines on the same files in one invocation, for one given model or for synthetic models of real sizes and weight
/// types: each round runs, for every model, the managed engine and Whisper.net in child processes of this program, one
/// after the other (the order alternating between rounds and models, so neither always gets the warmer machine, and
/// rounds going over all models so that a busy minute spreads over them all). Each child is one engine's run, so its peak
/// resident memory is its own. Prints each engine's median encode per window, decode per token, whole-file time and peak
/// memory, and the ratios managed/whispernet, per model and then as one table.
/// </summary>
internal static class SideBySide
{
    private static readonly string[] Engines = [BenchArguments.Managed, BenchArguments.WhisperNet];

    public static async Task<int> RunAsync(BenchArguments arguments, CancellationToken ct)
    {
        var models = Models(arguments);
        var figures = models.Select(_ => Engines.ToDictionary(e => e, _ => new List<Figures>())).ToList();
        for (var round = 1; round <= arguments.Repeat; round++)
        {
            for (var m = 0; m < models.Count; m++)
            {
                var order = (round + m) % 2 == 1 ? Engines : [.. Engines.Reverse()];
                foreach (var engine in order)
                {
                    Console.Error.WriteLine($"side by side: round {round} of {arguments.Repeat}, {models[m].Label}, {engine}...");
                    figures[m][engine].Add(await RunChildAsync(engine, models[m].ChildArguments, ct));
                }
            }
        }

        Console.WriteLine($"side by side: {arguments.Inputs.Count} file(s) ({string.Join(", ", arguments.Inputs.Select(i => Path.GetFileName(i.Audio)))}), "
            + $"{arguments.Repeat} round(s), {arguments.Threads} threads, {Environment.ProcessorCount} cores, {CpuDescription()}; medians");
        var results = new List<Dictionary<string, object>>();
        var summary = new List<(string Label, Figures Managed, Figures WhisperNet)>();
        for (var m = 0; m < models.Count; m++)
        {
            var managed = Median(figures[m][BenchArguments.Managed]);
            var whisperNet = Median(figures[m][BenchArguments.WhisperNet]);
            summary.Add((models[m].Label, managed, whisperNet));
            Console.WriteLine();
            Console.WriteLine($"=== {models[m].Label} ({Path.GetFileName(models[m].Path)}, {new FileInfo(models[m].Path).Length / 1048576.0:F0} MB)");
            Console.WriteLine($"{"",-22}{"managed",12}{"whispernet",12}{"managed/whispernet",20}");
            Row("encode ms per window", managed.Encode, whisperNet.Encode);
            Row("decode ms per token", managed.Decode, whisperNet.Decode);
            Row("whole files ms", managed.Total, whisperNet.Total);
            Row("peak RSS MB", managed.PeakRss, whisperNet.PeakRss);
            results.Add(new Dictionary<string, object>
            {
                ["model"] = models[m].Label,
                ["file"] = models[m].Path,
                ["managed"] = managed,
                ["whispernet"] = whisperNet,
                ["ratio_encode"] = Ratio(managed.Encode, whisperNet.Encode),
                ["ratio_decode"] = Ratio(managed.Decode, whisperNet.Decode),
                ["ratio_total"] = Ratio(managed.Total, whisperNet.Total),
                ["ratio_peak_rss"] = Ratio(managed.PeakRss, whisperNet.PeakRss),
            });
        }

        if (models.Count > 1)
        {
            PrintSummary(summary);
        }

        if (arguments.JsonPath is not null)
        {
            var options = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
            await File.WriteAllTextAsync(arguments.JsonPath, models.Count == 1 ? JsonSerializer.Serialize(results[0], options) : JsonSerializer.Serialize(results, options), ct);
            Console.WriteLine($"json: {arguments.JsonPath}");
        }

        return 0;
    }

    /// <summary>One engine's figures over all files of one round.</summary>
    internal sealed record Figures(double Encode, double Decode, double Total, double PeakRss);

    /// <summary>A model to compare on, and the arguments of its child runs.</summary>
    private sealed record SideBySideModel(string Label, string Path, List<string> ChildArguments);

    /// <summary>The given model, or every requested synthetic model, made first so that making them perturbs no timing.</summary>
    private static List<SideBySideModel> Models(BenchArguments arguments)
    {
        var childArguments = ChildArguments(arguments.Raw);
        if (arguments.Model.Length > 0)
        {
            return [new SideBySideModel(Path.GetFileName(arguments.Model), arguments.Model, childArguments)];
        }

        var models = arguments.SyntheticModels();
        Console.Error.WriteLine($"side by side: {models.Count} synthetic model(s), cached in {BenchModels.CacheDirectory}");
        return [.. models.Select(model =>
        {
            var path = BenchModels.Ensure(model);
            // the child gets the model as a file, decoded as ForSyntheticModel says
            return new SideBySideModel(model.Label, path, [.. childArguments, "--model", path, "--no-fallback"]);
        })];
    }

    /// <summary>A table of every model for pasting into the README: the figures, and managed/whispernet in brackets.</summary>
    private static void PrintSummary(List<(string Label, Figures Managed, Figures WhisperNet)> rows)
    {
        Console.WriteLine();
        Console.WriteLine("| model | encode ms/window managed | whispernet | ratio | decode ms/token managed | whispernet | ratio | whole file ms managed | whispernet | ratio | peak RSS MB managed | whispernet | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (label, m, w) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {m.Encode:F0} | {w.Encode:F0} | {Ratio(m.Encode, w.Encode):F2} | {m.Decode:F2} | {w.Decode:F2} | {Ratio(m.Decode, w.Decode):F2} | {m.Total:F0} | {w.Total:F0} | {Ratio(m.Total, w.Total):F2} | {m.PeakRss:F0} | {w.PeakRss:F0} | {Ratio(m.PeakRss, w.PeakRss):F2} |"));
        }
    }

    /// <summary>The CPU's name and the vector width the managed kernels use (the key of Runtime=auto's rule).</summary>
    private static string CpuDescription()
    {
        var name = "unknown CPU";
        try
        {
            name = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? name;
        }
        catch (IOException)
        {
            // not Linux: the name stays unknown
        }

        var width = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512"
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "AVX2" : "no 256-bit vectors";
        return $"{name}, managed kernels {width}";
    }

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

    /// <summary>The arguments less those the parent handles (--side-by-side, --engine, --repeat, --json, --sizes, --types): each child does one round.</summary>
    private static List<string> ChildArguments(IReadOnlyList<string> raw)
    {
        var kept = new List<string>();
        for (var i = 0; i < raw.Count; i++)
        {
            switch (raw[i])
            {
                case "--side-by-side":
                    break;
                case "--engine" or "--repeat" or "--json" or "--sizes" or "--types":
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
