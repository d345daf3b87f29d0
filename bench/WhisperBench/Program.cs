using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Text;
using LazyLecture.Whisper.Transcription;
using WhisperBench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

BenchArguments arguments;
try
{
    arguments = BenchArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"whisper.sh: {e.Message}");
    Console.Error.WriteLine(BenchArguments.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    if (arguments.MakeModels)
    {
        foreach (var model in arguments.SyntheticModels())
        {
            Console.WriteLine($"{model.Label,-24} {BenchModels.Ensure(model)}");
        }

        return 0;
    }

    if (arguments.SideBySide)
    {
        return await SideBySide.RunAsync(arguments, cancel.Token);
    }

    if (arguments.Model.Length == 0)
    {
        // one synthetic model: made (or found in the cache), then benchmarked as a given file would be
        var models = arguments.SyntheticModels();
        if (models.Count != 1)
        {
            throw new ArgumentException("one engine runs one model: give one --sizes and one --types value, or --side-by-side for several");
        }

        arguments = arguments.ForSyntheticModel(BenchModels.Ensure(models[0]));
    }

    return await new Bench(arguments).RunAsync(cancel.Token);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"whisper.sh: {e.Message}");
    return 2;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("whisper.sh: cancelled");
    return 130;
}
catch (Exception e) when (e is WhisperModelException or AudioFormatException or FileNotFoundException or NotImplementedException)
{
    Console.Error.WriteLine($"whisper.sh: {e.Message}");
    return 1;
}

namespace WhisperBench
{
    /// <summary>One audio file to transcribe and, optionally, its reference transcript.</summary>
    internal sealed record BenchInput(string Audio, string? Reference);

    internal sealed record BenchArguments(string Model, int Threads, bool NoFallback, string Language, string? JsonPath, bool Warmup, int Repeat, IReadOnlyList<BenchInput> Inputs)
    {
        public const string Usage =
            "usage: bench/whisper.sh (--model FILE | [--sizes S,S,...] [--types T,T,...]) [--engine managed|whispernet | --side-by-side] [--threads N] [--no-fallback] [--beam-size N] [--language CODE|auto] [--warmup] [--repeat N] [--json OUT] [AUDIO [--reference TXT] ...]\n"
            + "       bench/whisper.sh --make-models [--sizes S,S,...] [--types T,T,...]\n"
            + "sizes: tiny, base, small, medium, large-v3, large-v3-turbo; types: f16, q8_0, q5_1, q5_0, q4_1, q4_0. Without --model the\n"
            + "synthetic models of those sizes and types are made (cached under ~/.cache/lazylecture/bench-models) and decoded greedily\n"
            + "without fall-back; --side-by-side defaults to tiny,base,large-v3-turbo and f16,q8_0,q5_0. AUDIO defaults to the shared jfk.wav.";

        /// <summary>The side-by-side's sizes and types when none are given: the sizes and weight types people run.</summary>
        public static readonly string[] DefaultSizes = ["tiny", "base", "large-v3-turbo"];

        public static readonly string[] DefaultTypes = ["f16", "q8_0", "q5_0"];

        /// <summary>Beams per window (whisper-cli's -bs); 1, the default here, decodes greedily.</summary>
        public int BeamSize { get; init; } = 1;

        public const string Managed = "managed";
        public const string WhisperNet = "whispernet";

        /// <summary><c>managed</c> (LazyLecture.Whisper) or <c>whispernet</c> (Whisper.net, whisper.cpp).</summary>
        public string Engine { get; init; } = Managed;

        /// <summary>Both engines, interleaved in child processes, with the ratios managed/whispernet.</summary>
        public bool SideBySide { get; init; }

        /// <summary>The arguments as given, for the side-by-side mode's child runs.</summary>
        public IReadOnlyList<string> Raw { get; init; } = [];

        /// <summary>Synthetic model sizes (<c>--sizes</c>) and weight types (<c>--types</c>), when given.</summary>
        public IReadOnlyList<string>? Sizes { get; init; }

        public IReadOnlyList<string>? Types { get; init; }

        /// <summary>Only make (or find) the synthetic models and print their paths.</summary>
        public bool MakeModels { get; init; }

        /// <summary>Every requested size in every requested type, defaults filled in.</summary>
        public List<BenchModel> SyntheticModels()
        {
            var types = (Types ?? DefaultTypes).Select(BenchModel.ParseType).ToList();
            return [.. (Sizes ?? DefaultSizes).Select(SyntheticModelSize.Parse).SelectMany(size => types.Select(type => new BenchModel(size, type)))];
        }

        /// <summary>The arguments for one synthetic model: its file, decoded greedily without fall-back.</summary>
        /// <remarks>
        /// Random weights decode into repetition, which fails whisper.cpp's compression check, so the fall-back would
        /// decode every window again at five temperatures with five candidates each: the figures would measure that.
        /// </remarks>
        public BenchArguments ForSyntheticModel(string path) => this with { Model = path, NoFallback = true };

        public static BenchArguments Parse(string[] args)
        {
            string? model = null;
            string? json = null;
            var threads = Math.Min(4, Environment.ProcessorCount);
            var noFallback = false;
            var warmup = false;
            var repeat = 1;
            var language = "en";
            var engine = Managed;
            var sideBySide = false;
            var makeModels = false;
            string[]? sizes = null;
            string[]? types = null;
            var beamSize = 1;
            var inputs = new List<BenchInput>();
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--model" or "-m":
                        model = Next();
                        break;
                    case "--threads" or "-t":
                        threads = int.TryParse(Next(), CultureInfo.InvariantCulture, out var t) && t > 0 ? t : throw new ArgumentException("--threads needs a positive number");
                        break;
                    case "--no-fallback" or "-nf":
                        noFallback = true;
                        break;
                    case "--beam-size" or "-bs":
                        beamSize = int.TryParse(Next(), CultureInfo.InvariantCulture, out var b) && b is > 0 and <= 8 ? b : throw new ArgumentException("--beam-size needs a number from 1 to 8");
                        break;
                    case "--language" or "-l":
                        language = Next();
                        break;
                    case "--warmup":
                        warmup = true;
                        break;
                    case "--engine":
                        engine = Next() is var e && e is Managed or WhisperNet ? e : throw new ArgumentException("--engine is managed or whispernet");
                        break;
                    case "--side-by-side":
                        sideBySide = true;
                        break;
                    case "--sizes":
                        sizes = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                        sizes.ToList().ForEach(size => SyntheticModelSize.Parse(size));
                        break;
                    case "--types":
                        types = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                        types.ToList().ForEach(type => BenchModel.ParseType(type));
                        break;
                    case "--make-models":
                        makeModels = true;
                        break;
                    case "--repeat":
                        repeat = int.TryParse(Next(), CultureInfo.InvariantCulture, out var r) && r > 0 ? r : throw new ArgumentException("--repeat needs a positive number");
                        break;
                    case "--json":
                        json = Next();
                        break;
                    case "--reference":
                        if (inputs.Count == 0)
                        {
                            throw new ArgumentException("--reference must follow the audio file it belongs to");
                        }

                        inputs[^1] = inputs[^1] with { Reference = Next() };
                        break;
                    case "--help" or "-h":
                        throw new ArgumentException("help");
                    default:
                        if (args[i].StartsWith('-'))
                        {
                            throw new ArgumentException($"unknown option {args[i]}");
                        }

                        inputs.Add(new BenchInput(args[i], null));
                        break;
                }
            }

            var synthetic = sizes is not null || types is not null || sideBySide || makeModels;
            if (model is null && !synthetic)
            {
                throw new ArgumentException("--model is required (or --sizes/--types for synthetic models of real sizes)");
            }

            if (model is not null && (sizes is not null || types is not null))
            {
                throw new ArgumentException("--model and --sizes/--types exclude each other");
            }

            if (inputs.Count == 0)
            {
                inputs.Add(new BenchInput(Path.Combine(BenchModels.SharedDirectory, "audio", "jfk.wav"), null));
            }

            return new BenchArguments(model ?? string.Empty, threads, noFallback, language, json, warmup, repeat, inputs)
            {
                Engine = engine, SideBySide = sideBySide, Raw = args, Sizes = sizes, Types = types, MakeModels = makeModels, BeamSize = beamSize,
            };
        }
    }

    /// <summary>One pass over all files: the figures compared with whisper.cpp's.</summary>
    internal sealed record PassFigures(double EncodePerWindow, double DecodePerToken, double Rtf);

    /// <summary>Per-file outcome kept for the totals and the JSON report.</summary>
    internal sealed record FileOutcome(string Audio, IReadOnlyList<TranscriptSegment> Segments, TranscriptionStatistics Statistics, TimeSpan ReadTime, WordErrorCount? Errors);

    internal sealed class Bench(BenchArguments arguments)
    {
        public async Task<int> RunAsync(CancellationToken ct)
        {
            var started = Stopwatch.GetTimestamp();
            using var model = WhisperModel.Load(arguments.Model);
            var hp = model.HyperParameters;
            Console.WriteLine($"engine: {arguments.Engine}");
            Console.WriteLine($"model: {Path.GetFileName(arguments.Model)} ({model.FileSizeBytes / 1048576.0:F1} MB, n_vocab {hp.NVocab}, audio {hp.NAudioState}x{hp.NAudioLayer}, text {hp.NTextState}x{hp.NTextLayer}, {(model.IsMultilingual ? "multilingual" : "English-only")})");
            Console.WriteLine($"threads: {arguments.Threads}, fallback: {(arguments.NoFallback ? "off" : "on")}, beams: {arguments.BeamSize}, language: {arguments.Language}, warm-up: {(arguments.Warmup ? "yes" : "no")}");

            // One transcriber for every file and pass, as the worker keeps one per concurrent job.
            var options = new WhisperOptions { Threads = arguments.Threads, NoFallback = arguments.NoFallback, Language = arguments.Language, BeamSize = arguments.BeamSize };
            using var transcriber = arguments.Engine == BenchArguments.Managed ? new WhisperTranscriber(model, options) : null;
            using var whisperNet = arguments.Engine == BenchArguments.WhisperNet ? new WhisperNetTranscriber(arguments, model.IsMultilingual) : null;
            var loadTime = Stopwatch.GetElapsedTime(started);
            Print("load time", loadTime);
            Func<BenchInput, Task<FileOutcome>> transcribe = transcriber is not null
                ? input => TranscribeAsync(input, samples => DecodeAsync(transcriber, samples, ct), fullTimings: true, ct)
                : input => TranscribeAsync(input, samples => DecodeAsync(whisperNet!, samples, ct), fullTimings: false, ct);
            if (arguments.Warmup)
            {
                // one untimed pass over the first file so the JIT has compiled the hot paths (steady-state figures)
                Console.Error.WriteLine("warm-up: transcribing the first file once, untimed...");
                if (transcriber is not null)
                {
                    await transcriber.TranscribeAllAsync(AudioFileReader.Read(arguments.Inputs[0].Audio, ct), ct: ct);
                }
                else
                {
                    await whisperNet!.TranscribeAsync(AudioFileReader.Read(arguments.Inputs[0].Audio, ct), ct);
                }
            }

            // On a shared machine single runs vary by tens of percent: --repeat runs every file N times and reports the
            // median (and best) of the per-pass figures, which is what the JSON report then carries.
            var passes = new List<PassFigures>();
            List<FileOutcome> outcomes = [];
            for (var pass = 1; pass <= arguments.Repeat; pass++)
            {
                if (arguments.Repeat > 1)
                {
                    Console.WriteLine();
                    Console.WriteLine($"##### pass {pass} of {arguments.Repeat}");
                }

                outcomes = [];
                foreach (var input in arguments.Inputs)
                {
                    outcomes.Add(await transcribe(input));
                }

                passes.Add(Summarize(outcomes, loadTime));
            }

            var reported = arguments.Repeat > 1 ? PrintAcrossPasses(passes) : passes[0];
            if (whisperNet is not null)
            {
                // the peak above includes the timer's second copy of the model
                Console.WriteLine($"peak RSS of Whisper.net's decodes alone: {whisperNet.PeakRssMegabytes:F1} MB");
            }
            if (arguments.JsonPath is not null)
            {
                WriteJson(arguments.JsonPath, outcomes, reported.EncodePerWindow, reported.DecodePerToken, reported.Rtf, whisperNet?.PeakRssMegabytes ?? PeakRssMegabytes());
                Console.WriteLine($"json: {arguments.JsonPath}");
            }

            return 0;
        }

        private static PassFigures PrintAcrossPasses(List<PassFigures> passes)
        {
            static double Median(IEnumerable<double> values)
            {
                var sorted = values.Order().ToArray();
                return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
            }

            var median = new PassFigures(Median(passes.Select(p => p.EncodePerWindow)), Median(passes.Select(p => p.DecodePerToken)), Median(passes.Select(p => p.Rtf)));
            Console.WriteLine();
            Console.WriteLine($"=== {passes.Count} passes: median (best)");
            Console.WriteLine($"encode: {median.EncodePerWindow,9:F2} ms per window ({passes.Min(p => p.EncodePerWindow):F2})");
            Console.WriteLine($"decode: {median.DecodePerToken,9:F2} ms per token ({passes.Min(p => p.DecodePerToken):F2})");
            Console.WriteLine($"real-time factor: {median.Rtf:F3} ({passes.Min(p => p.Rtf):F3})");
            Console.WriteLine($"peak RSS: {PeakRssMegabytes():F1} MB");
            return median;
        }

        /// <summary>One file through one engine: reads it, lets <paramref name="decode"/> transcribe it (printing its segments), then prints the timings and WER.</summary>
        private static async Task<FileOutcome> TranscribeAsync(
            BenchInput input, Func<float[], Task<(List<TranscriptSegment> Segments, TranscriptionStatistics Statistics)>> decode, bool fullTimings, CancellationToken ct)
        {
            Console.WriteLine();
            Console.WriteLine($"=== {input.Audio}");
            var readStarted = Stopwatch.GetTimestamp();
            var samples = AudioFileReader.Read(input.Audio, ct);
            var readTime = Stopwatch.GetElapsedTime(readStarted);
            Console.WriteLine($"audio: {samples.Length / 16000.0:F2} s");

            var (segments, stats) = await decode(samples);
            WordErrorCount? errors = null;
            if (input.Reference is not null)
            {
                var hypothesis = string.Concat(segments.Select(s => s.Text));
                errors = WordErrorRate.Count(await File.ReadAllTextAsync(input.Reference, ct), hypothesis);
            }

            Print("read time", readTime);
            if (fullTimings)
            {
                PrintTimings(stats);
            }
            else
            {
                // Whisper.net reports no mel, sample or prompt times: only what WhisperCppTimer measured
                Print("encode time", stats.EncodeTime, stats.Windows);
                Print("decode time", stats.DecodeTime, stats.DecodedTokens);
                Print("total time", stats.TotalTime);
            }

            Console.WriteLine($"real-time factor: {stats.TotalTime.TotalSeconds / Math.Max(1e-9, stats.AudioSeconds):F3} ({stats.TotalTime.TotalSeconds:F2} s for {stats.AudioSeconds:F2} s of audio)");
            if (errors is { } e)
            {
                Console.WriteLine($"WER: {e.Rate * 100:F1} % ({e.Errors} errors / {e.ReferenceWords} reference words)");
            }

            return new FileOutcome(input.Audio, segments, stats, readTime, errors);
        }

        private static async Task<(List<TranscriptSegment>, TranscriptionStatistics)> DecodeAsync(WhisperTranscriber transcriber, float[] samples, CancellationToken ct)
        {
            var progress = new StderrProgress();
            var segments = new List<TranscriptSegment>();
            await foreach (var segment in transcriber.TranscribeAsync(samples, progress, ct))
            {
                progress.Clear();
                PrintSegment(segment);
                segments.Add(segment);
            }

            progress.Clear();
            if (transcriber.DetectedLanguage is { } detected)
            {
                Console.WriteLine($"detected language: {detected.Code} (p = {detected.Probability:F6})");
            }

            return (segments, transcriber.Statistics);
        }

        private static async Task<(List<TranscriptSegment>, TranscriptionStatistics)> DecodeAsync(WhisperNetTranscriber transcriber, float[] samples, CancellationToken ct)
        {
            var (segments, stats) = await transcriber.TranscribeAsync(samples, ct);
            segments.ForEach(PrintSegment);
            return (segments, stats);
        }

        private static void PrintSegment(TranscriptSegment segment) =>
            Console.WriteLine($"[{Timestamp(segment.Start)} --> {Timestamp(segment.End)}]  {segment.Text}");

        private static PassFigures Summarize(List<FileOutcome> outcomes, TimeSpan loadTime)
        {
            var encode = TimeSpan.Zero;
            var decode = TimeSpan.Zero;
            var total = TimeSpan.Zero;
            double audio = 0;
            int windows = 0, tokens = 0;
            var errors = new WordErrorCount(0, 0);
            var anyReference = false;
            foreach (var o in outcomes)
            {
                encode += o.Statistics.EncodeTime;
                // a batched step decodes one token of every beam: per token here means per step of the window
                decode += o.Statistics.DecodeTime + o.Statistics.BatchTime;
                total += o.Statistics.TotalTime;
                audio += o.Statistics.AudioSeconds;
                windows += o.Statistics.Windows;
                tokens += o.Statistics.DecodedTokens + o.Statistics.BatchSteps;
                if (o.Errors is { } e)
                {
                    errors += e;
                    anyReference = true;
                }
            }

            var encodePerWindow = windows == 0 ? 0 : encode.TotalMilliseconds / windows;
            var decodePerToken = tokens == 0 ? 0 : decode.TotalMilliseconds / tokens;
            var rtf = total.TotalSeconds / Math.Max(1e-9, audio);
            var peakRss = PeakRssMegabytes();

            Console.WriteLine();
            Console.WriteLine($"=== total: {outcomes.Count} file(s), {audio:F2} s of audio");
            Print("load time", loadTime);
            Console.WriteLine($"encode: {encodePerWindow,9:F2} ms per window ({windows} windows)");
            Console.WriteLine($"decode: {decodePerToken,9:F2} ms per token ({tokens} tokens)");
            Console.WriteLine($"total:  {total.TotalMilliseconds,9:F2} ms, real-time factor {rtf:F3}");
            Console.WriteLine($"peak RSS: {peakRss:F1} MB");
            if (anyReference)
            {
                Console.WriteLine($"WER (pooled): {errors.Rate * 100:F1} % ({errors.Errors} / {errors.ReferenceWords})");
            }

            return new PassFigures(encodePerWindow, decodePerToken, rtf);
        }

        private static void WriteJson(string path, List<FileOutcome> outcomes, double encodePerWindow, double decodePerToken, double rtf, double peakRss)
        {
            using var stream = File.Create(path);
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteStartArray("files");
            foreach (var o in outcomes)
            {
                json.WriteStartObject();
                json.WriteString("audio", o.Audio);
                json.WriteStartArray("segments");
                foreach (var s in o.Segments)
                {
                    json.WriteStartObject();
                    json.WriteNumber("start", s.Start);
                    json.WriteNumber("end", s.End);
                    json.WriteString("text", s.Text);
                    json.WriteStartArray("tokens");
                    foreach (var t in s.Tokens)
                    {
                        json.WriteNumberValue(t);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                if (o.Errors is { } e)
                {
                    json.WriteNumber("wer", e.Rate);
                }
                else
                {
                    json.WriteNull("wer");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("encode_ms_per_window", Math.Round(encodePerWindow, 3));
            json.WriteNumber("decode_ms_per_token", Math.Round(decodePerToken, 3));
            json.WriteNumber("rtf", Math.Round(rtf, 4));
            json.WriteNumber("peak_rss_mb", Math.Round(peakRss, 1));
            json.WriteNumber("total_ms", Math.Round(outcomes.Sum(o => o.Statistics.TotalTime.TotalMilliseconds), 1));
            json.WriteEndObject();
        }

        private static void PrintTimings(TranscriptionStatistics s)
        {
            Print("mel time", s.MelTime);
            if (s.LanguageDetectionTime > TimeSpan.Zero)
            {
                Print("lang time", s.LanguageDetectionTime);
            }

            Print("sample time", s.SampleTime);
            Print("encode time", s.EncodeTime, s.Windows);
            Print("decode time", s.DecodeTime, s.DecodedTokens);
            Print("batchd time", s.BatchTime, s.BatchTokens);
            Print("batchd steps", s.BatchTime, s.BatchSteps);
            Print("prompt time", s.PromptTime, s.PromptTokens);
            Print("total time", s.TotalTime);
        }

        private static void Print(string what, TimeSpan time, int? runs = null)
        {
            var line = $"whisper_print_timings: {what,13} = {time.TotalMilliseconds,10:F2} ms";
            if (runs is { } n)
            {
                line += $" / {n,5} runs ({(n == 0 ? 0 : time.TotalMilliseconds / n),8:F2} ms per run)";
            }

            Console.WriteLine(line);
        }

        private static string Timestamp(double seconds) => TimeSpan.FromSeconds(seconds).ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);

        /// <summary>VmHWM: the process's peak resident set size.</summary>
        internal static double PeakRssMegabytes()
        {
            try
            {
                foreach (var line in File.ReadLines("/proc/self/status"))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        var kb = long.Parse(line["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                        return kb / 1024.0;
                    }
                }
            }
            catch (IOException)
            {
                // not Linux: fall through
            }

            return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
        }
    }

    /// <summary>Progress on stderr, one rewritten line, so stdout stays clean for the transcript.</summary>
    internal sealed class StderrProgress : IProgress<TranscriptionProgress>
    {
        private readonly Lock _lock = new();
        private bool _shown;

        public void Report(TranscriptionProgress value)
        {
            lock (_lock)
            {
                Console.Error.Write($"\rprogress: {value.Fraction * 100,5:F1} % ({value.ProcessedSeconds:F1} / {value.TotalSeconds:F1} s, {value.WindowsDone} windows)");
                _shown = true;
            }
        }

        public void Clear()
        {
            lock (_lock)
            {
                if (_shown)
                {
                    Console.Error.Write("\r" + new string(' ', 72) + "\r");
                    _shown = false;
                }
            }
        }
    }
}
