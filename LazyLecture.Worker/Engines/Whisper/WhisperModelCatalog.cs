using System.Globalization;

namespace LazyLecture.Worker.Engines.Whisper;

/// <summary>
/// The official ggml models, their SHA-1 checksums, download address and connect time-out: eng/whisper-models.tsv,
/// embedded here so that the worker and ./run.sh (eng/whisper-model.sh) read one catalogue.
/// </summary>
public static class WhisperModelCatalog
{
    private static readonly Lazy<Catalogue> Loaded = new(Load);

    /// <summary>The address below which <c>ggml-NAME.bin</c> is downloaded.</summary>
    public static string BaseUrl => Loaded.Value.BaseUrl;

    /// <summary>How long a download may take to connect before the machine counts as offline.</summary>
    public static TimeSpan ConnectTimeout => Loaded.Value.ConnectTimeout;

    /// <summary>The official Silero VAD ONNX file (v5.1.2) and its SHA-256, for voice activity detection.</summary>
    public static string VoiceActivityModelUrl => Loaded.Value.VadUrl;

    public static string VoiceActivityModelSha256 => Loaded.Value.VadSha256;

    /// <summary>The file name the voice activity model is cached under.</summary>
    public const string VoiceActivityModelFileName = "silero_vad-v5.1.2.onnx";

    public static IReadOnlyCollection<string> Models => Loaded.Value.Sha1ByModel.Keys;

    public static bool TryGetSha1(string model, out string sha1) => Loaded.Value.Sha1ByModel.TryGetValue(model, out sha1!);

    public static string FileName(string model) => $"ggml-{model}.bin";

    /// <summary>The cache folder both use: <c>$XDG_CACHE_HOME/lazylecture/models</c>, else <c>~/.cache/lazylecture/models</c>.</summary>
    public static string DefaultCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrWhiteSpace(xdg) || !Path.IsPathRooted(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(root, "lazylecture", "models");
    }

    private sealed record Catalogue(string BaseUrl, TimeSpan ConnectTimeout, Dictionary<string, string> Sha1ByModel, string VadUrl, string VadSha256);

    private static Catalogue Load()
    {
        using var stream = typeof(WhisperModelCatalog).Assembly.GetManifestResourceStream("whisper-models.tsv")
            ?? throw new InvalidOperationException("The embedded model catalogue (eng/whisper-models.tsv) is missing from the build.");
        using var reader = new StreamReader(stream);
        string? baseUrl = null;
        string? vadUrl = null;
        string? vadSha256 = null;
        var connectTimeout = TimeSpan.FromSeconds(10);
        var models = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split('\t');
            if (line.Length == 0 || line[0] == '#' || fields.Length != 2)
            {
                continue;
            }

            switch (fields[0])
            {
                case "@base-url":
                    baseUrl = fields[1];
                    break;
                case "@connect-timeout-secs":
                    connectTimeout = TimeSpan.FromSeconds(int.Parse(fields[1], CultureInfo.InvariantCulture));
                    break;
                case "@vad-url":
                    vadUrl = fields[1];
                    break;
                case "@vad-sha256":
                    vadSha256 = fields[1];
                    break;
                default:
                    models[fields[0]] = fields[1];
                    break;
            }
        }

        return new Catalogue(baseUrl ?? throw new InvalidOperationException("The model catalogue names no @base-url."), connectTimeout, models,
            vadUrl ?? throw new InvalidOperationException("The model catalogue names no @vad-url."),
            vadSha256 ?? throw new InvalidOperationException("The model catalogue names no @vad-sha256."));
    }
}
