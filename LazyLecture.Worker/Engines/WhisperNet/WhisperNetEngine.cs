using System.Runtime.CompilerServices;
using LazyLecture.Contracts.Jobs;
using LazyLecture.Whisper.Decoding;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Text;
using LazyLecture.Whisper.Transcription;
using LazyLecture.Worker.Engines.Whisper;
using Whisper.net;

namespace LazyLecture.Worker.Engines.WhisperNet;

/// <summary>
/// Whisper.net (whisper.cpp in process, its CPU runtime) on the same model file and settings as the managed engine: the
/// same greedy/best-of or beam-search decoding with temperature fall-back, previous text as prompt and no-speech threshold, and word
/// times from whisper.cpp's token timestamps, grouped into words as the managed engine does. The model is loaded once;
/// every call gets a processor (whisper.cpp state) of its own, so calls may run at once. A call's decoding options
/// (language, temperature, translation, prompt) override the configuration for that call only.
/// </summary>
// ITranscriptionEngine listed again: this class, not its base, implements the decoding-options overload.
public sealed class WhisperNetEngine : SpeechToTextEngine, ITranscriptionEngine
{
    public const string RuntimeName = "whispernet";

    private readonly WhisperFactory _factory;
    private readonly WhisperEngineOptions _options;
    private readonly WhisperSpecialTokens _special;

    public WhisperNetEngine(string modelPath, WhisperEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        ModelId = Path.GetFileName(modelPath);
        // whisper.cpp does not tell its vocabulary's layout; the file's header does (end of text, first timestamp).
        using (var header = WhisperModel.Load(modelPath))
        {
            _special = WhisperSpecialTokens.ForVocabularySize(header.HyperParameters.NVocab);
        }

        _factory = WhisperFactory.FromPath(modelPath);
    }

    public override string Name => $"{WhisperEngine.EngineName} ({RuntimeName})";

    protected override string ModelId { get; }

    /// <summary>The language a multilingual model detected in the last call with language <c>auto</c>.</summary>
    public string? LastLanguage { get; private set; }

    public override IAsyncEnumerable<EngineSegment> TranscribeAsync(ReadOnlyMemory<float> samples, string? language, IProgress<double>? progress, CancellationToken cancellationToken) =>
        TranscribeAsync(samples, DecodingOptions.Default with { Language = language }, progress, cancellationToken);

    /// <summary>A chunk with the uploader's decoding choices (language, temperature, translation, prompt), over the configuration.</summary>
    public async IAsyncEnumerable<EngineSegment> TranscribeAsync(ReadOnlyMemory<float> samples, DecodingOptions decoding, IProgress<double>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decoding);
        if (decoding.Translate && !_special.IsMultilingual)
        {
            throw new NotSupportedException("This Whisper model knows English only and cannot translate.");
        }

        var seconds = samples.Length / 16000.0;
        await using var processor = Build(decoding, progress, seconds);
        await foreach (var segment in processor.ProcessAsync(samples, cancellationToken).ConfigureAwait(false))
        {
            LastLanguage = segment.Language;
            yield return ToEngineSegment(segment);
        }

        progress?.Report(seconds);
    }

    /// <summary>Whisper.net's own segments with every token (timestamp tokens included), for parity checks and the benchmark.</summary>
    public async IAsyncEnumerable<SegmentData> ProcessAsync(ReadOnlyMemory<float> samples, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var processor = Build(DecodingOptions.Default, null, samples.Length / 16000.0);
        await foreach (var segment in processor.ProcessAsync(samples, cancellationToken).ConfigureAwait(false))
        {
            yield return segment;
        }
    }

    /// <summary>Is this token of a segment text (not a timestamp or other special token)?</summary>
    public bool IsText(int token) => _special.IsText(token);

    protected override void Dispose(bool disposing) => _factory.Dispose();

    private WhisperProcessor Build(DecodingOptions decoding, IProgress<double>? progress, double seconds)
    {
        var options = _options;
        var builder = _factory.CreateBuilder()
            .WithThreads(Math.Max(1, options.Threads))
            .WithTokenTimestamps()
            .WithTemperature(decoding.Temperature ?? options.Temperature)
            .WithNoSpeechThreshold(options.NoSpeechThreshold);

        // Whisper.net's beam strategy leaves whisper.cpp's best_of at its library default (-1), so a fall-back temperature
        // decodes one sampled beam where the managed engine, as whisper-cli, decodes best-of beams.
        builder = options.BeamSize > 1
            ? builder.WithBeamSearchSamplingStrategy(beams => beams.WithBeamSize(options.BeamSize))
            : builder.WithGreedySamplingStrategy(greedy => greedy.WithBestOf(Math.Max(1, options.BestOf)));

        // English-only models always transcribe English (whisper-cli and the managed engine switch to "en").
        var language = _special.IsMultilingual ? decoding.Language ?? options.Language : "en";
        builder = string.IsNullOrEmpty(language) || language.Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? builder.WithLanguageDetection()
            : builder.WithLanguage(language);
        if (options.NoFallback)
        {
            builder = builder.WithTemperatureInc(0);
        }

        if (options.NoContext)
        {
            builder = builder.WithNoContext();
        }

        if (decoding.Translate)
        {
            builder = builder.WithTranslate();
        }

        // whisper.cpp tokenizes the prompt itself and gives it to the first window as previous text, as OpenAI's prompt.
        if (!string.IsNullOrWhiteSpace(decoding.Prompt))
        {
            builder = builder.WithPrompt(decoding.Prompt.Trim());
        }

        if (progress is not null)
        {
            builder = builder.WithProgressHandler(percent => progress.Report(seconds * percent / 100.0));
        }

        return builder.Build();
    }

    private EngineSegment ToEngineSegment(SegmentData segment)
    {
        var words = WordGrouping.Group(segment.Tokens
            .Where(t => _special.IsText(t.Id))
            .Select(t => new TimedTokenText(t.Text ?? string.Empty, t.Start / 100.0, t.End / 100.0, t.Probability)));
        return new EngineSegment(segment.Start.TotalSeconds, segment.End.TotalSeconds, segment.Text.Trim(),
            [.. words.Select(w => new EngineWord(w.Start, w.End, w.Text, w.Probability))], Decoding(segment));
    }

    /// <summary>
    /// What whisper.cpp tells of a segment: its tokens with their log-probabilities and the window's no-speech probability.
    /// It does not tell the window's start or the temperature it settled on (null), so the average log-probability and the
    /// compression ratio are the segment's own, not its window's as in the managed engine.
    /// </summary>
    private static SegmentDecoding Decoding(SegmentData segment)
    {
        var tokens = segment.Tokens;
        var sum = 0.0;
        foreach (var token in tokens)
        {
            sum += token.ProbabilityLog;
        }

        return new SegmentDecoding([.. tokens.Select(t => t.Id)], Seek: null, Temperature: null,
            tokens.Length == 0 || !double.IsFinite(sum) ? null : sum / tokens.Length, CompressionRatio.Of(segment.Text), segment.NoSpeechProbability);
    }
}
