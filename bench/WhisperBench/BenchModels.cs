using System.Diagnostics;
using LazyLecture.Whisper.Model;

namespace WhisperBench;

/// <summary>One synthetic model of the benchmark: a real size and a weight type.</summary>
internal sealed record BenchModel(SyntheticModelSize Size, GgmlType Type)
{
    public string Label => $"{Size.Name} {TypeName(Type)}";

    public static string TypeName(GgmlType type) => type.ToString().ToLowerInvariant();

    public static GgmlType ParseType(string name) =>
        Enum.TryParse<GgmlType>(name, ignoreCase: true, out var type) && Enum.IsDefined(type) && type != GgmlType.F32
            ? type
            : throw new ArgumentException($"Unknown weight type '{name}': expected f16, q8_0, q5_1, q5_0, q4_1 or q4_0.");
}

/// <summary>
/// Synthetic models of real sizes, made on first use and kept in a cache folder outside the repository
/// (<c>$XDG_CACHE_HOME/lazylecture/bench-models</c>, by default <c>~/.cache/lazylecture/bench-models</c>): the f16 file
/// from the shared folder's template (its mel bank and vocabulary), the quantized ones from the f16 file with ggml's
/// reference rounding. Delete the folder to make them again.
/// </summary>
internal static class BenchModels
{
    // bump when the maker's weights or the quantizer's bytes change, so that older cached files are not reused
    private const string MakerVersion = "v1";

    public static string CacheDirectory { get; } = Path.Combine(CacheRoot(), "lazylecture", "bench-models", MakerVersion);

    /// <summary>The shared folder (models used as templates, audio), as the tests find it: LAZYLECTURE_SHARED, set by whisper.sh to ../shared by default.</summary>
    public static string SharedDirectory { get; } =
        Environment.GetEnvironmentVariable("LAZYLECTURE_SHARED") is { Length: > 0 } shared ? Path.GetFullPath(shared) : Path.GetFullPath("../shared");

    /// <summary>The model's path, making it (and the f16 file it is quantized from) first if the cache lacks it.</summary>
    public static string Ensure(BenchModel model)
    {
        var path = Path.Combine(CacheDirectory, model.Size.FileName(model.Type));
        if (File.Exists(path))
        {
            return path;
        }

        var f16 = Path.Combine(CacheDirectory, model.Size.FileName(GgmlType.F16));
        if (!File.Exists(f16))
        {
            var template = Path.Combine(SharedDirectory, "models", model.Size.TemplateFile);
            if (!File.Exists(template))
            {
                throw new FileNotFoundException($"Template model '{template}' not found: set LAZYLECTURE_SHARED to the shared folder.", template);
            }

            Timed($"making {f16} from {model.Size.TemplateFile}'s header", () => SyntheticModel.Make(template, model.Size, f16));
        }

        if (model.Type != GgmlType.F16)
        {
            Timed($"quantizing it to {path}", () => GgmlQuantizer.QuantizeModel(f16, path, model.Type));
        }

        return path;
    }

    private static void Timed(string what, Action action)
    {
        Console.Error.Write($"whisper.sh: {what}...");
        var started = Stopwatch.GetTimestamp();
        action();
        Console.Error.WriteLine($" {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
    }

    private static string CacheRoot() =>
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
}
