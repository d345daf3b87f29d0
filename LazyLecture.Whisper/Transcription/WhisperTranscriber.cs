using System.Diagnostics;
using System.Runtime.CompilerServices;
using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Decoding;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Nn;
using LazyLecture.Whisper.Text;

namespace LazyLecture.Whisper.Transcription;

/// <summary>
/// Transcribes 16 kHz mono audio with a loaded model, window by window as whisper.cpp's whisper_full:
/// segments are yielded as each 30 s window finishes. One transcriber runs one transcription at a time;
/// concurrent transcriptions share one <see cref="WhisperModel"/> through separate transcribers.
/// </summary>
public sealed class WhisperTranscriber : IDisposable
{
    private readonly WhisperModel _model;
    private readonly WhisperOptions _options;
    private readonly WhisperTokenizer _tokenizer;
    private readonly WhisperEncoder _encoder;
    private readonly TimedDecoderState _decoder;
    private readonly WindowDecoder _windowDecoder;
    private readonly int _textContext;
    private int _running;

    public WhisperTranscriber(WhisperModel model, WhisperOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        var hp = model.HyperParameters;
        _options = options ?? new WhisperOptions();

        // first-release distilled models (2 text layers) only work without timestamps (whisper.cpp forces this)
        if (hp.NTextLayer == 2 && hp.NVocab != 51866)
        {
            _options = _options with { NoTimestamps = true };
        }

        var threads = Math.Max(1, _options.Threads);
        _textContext = hp.NTextCtx;
        _tokenizer = new WhisperTokenizer(hp.NVocab, model.TokenBytes);
        _encoder = new WhisperEncoder(model, threads);
        _decoder = new TimedDecoderState(new WhisperDecoderState(model, threads));
        var filter = new LogitFilter(_tokenizer, new LogitFilterSettings
        {
            SuppressBlank = _options.SuppressBlank,
            SuppressNonSpeechTokens = _options.SuppressNonSpeechTokens,
            NoTimestamps = _options.NoTimestamps,
            MaxInitialTimestamp = _options.MaxInitialTimestamp,
        }, hp.NAudioCtx);
        _windowDecoder = new WindowDecoder(_tokenizer, filter, new WindowDecodingSettings
        {
            Temperatures = _options.Temperatures(),
            BestOf = _options.BestOf,
            BeamSize = _options.BeamSize,
            EntropyThreshold = _options.EntropyThreshold,
            LogProbabilityThreshold = _options.LogProbabilityThreshold,
            NoSpeechThreshold = _options.NoSpeechThreshold,
            CompressionRatioThreshold = _options.CompressionRatioThreshold,
            MaxTokens = _options.MaxTokensPerWindow,
            NoTimestamps = _options.NoTimestamps,
            SingleSegment = _options.SingleSegment,
        }, _textContext);
    }

    internal WhisperTokenizer Tokenizer => _tokenizer;

    /// <summary>The language detected in the last transcription (multilingual models with language "auto").</summary>
    public LanguageDetection? DetectedLanguage { get; private set; }

    /// <summary>The language the last transcription decoded in.</summary>
    public string? Language { get; private set; }

    /// <summary>Timings of the last transcription (complete once it has finished).</summary>
    public TranscriptionStatistics Statistics { get; private set; } = new();

    /// <summary>Transcribes and collects everything; see <see cref="TranscribeAsync"/>.</summary>
    public async Task<TranscriptionResult> TranscribeAllAsync(ReadOnlyMemory<float> samples16kMono, IProgress<TranscriptionProgress>? progress = null, CancellationToken ct = default, string? initialPrompt = null)
    {
        var segments = new List<TranscriptSegment>();
        await foreach (var segment in TranscribeAsync(samples16kMono, progress, ct, initialPrompt).ConfigureAwait(false))
        {
            segments.Add(segment);
        }

        return new TranscriptionResult(Language ?? "en", DetectedLanguage, segments, Statistics);
    }

    /// <summary>
    /// Segments as each window finishes. Progress is reported after every window; cancellation is checked
    /// between windows and between tokens. The compute runs on the thread pool.
    /// </summary>
    /// <param name="initialPrompt">
    /// Text that conditions the first window as if it had been said before, as whisper.cpp's initial_prompt: encoded with the
    /// model's vocabulary (<see cref="WhisperTokenizer.Encode"/>) and used in place of <see cref="WhisperOptions.PromptTokens"/>.
    /// A per-call argument, so that one transcriber (and its buffers) serves every prompt.
    /// </param>
    public async IAsyncEnumerable<TranscriptSegment> TranscribeAsync(ReadOnlyMemory<float> samples16kMono, IProgress<TranscriptionProgress>? progress = null, [EnumeratorCancellation] CancellationToken ct = default, string? initialPrompt = null)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("This transcriber is already transcribing; create one transcriber per concurrent transcription.");
        }

        try
        {
            var run = await Task.Run(() => Begin(samples16kMono, initialPrompt, ct), ct).ConfigureAwait(false);
            progress?.Report(run.Progress());
            while (!run.Finished)
            {
                var segments = await Task.Run(() => run.NextWindow(ct), ct).ConfigureAwait(false);
                Statistics = run.Statistics();
                progress?.Report(run.Progress());
                foreach (var segment in segments)
                {
                    yield return segment;
                }
            }

            Statistics = run.Statistics();
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    public void Dispose() => _decoder.Inner.Dispose();

    private TranscriptionRun Begin(ReadOnlyMemory<float> samples, string? initialPrompt, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        _decoder.ResetTimings();
        _windowDecoder.ResetSampling();
        var started = Stopwatch.GetTimestamp();
        // whisper.cpp decodes nothing from less than 1 s (100 frames): skip the front end too
        var mel = samples.Length < 16000
            ? new MelSpectrogram(_model.MelFilters.Bins, 0, 0, [])
            : LogMelSpectrogram.Compute(samples.Span, _model.MelFilters, Math.Max(1, _options.Threads));
        var melTime = Stopwatch.GetElapsedTime(started);
        var timestamps = _options.WordTimestamps ? new TokenTimestamps(_tokenizer, samples.Span, _options.WordEnergyAlignment) : null;
        var promptTokens = string.IsNullOrEmpty(initialPrompt) ? _options.PromptTokens : _tokenizer.Encode(initialPrompt);
        var run = new TranscriptionRun(this, mel, samples.Length / 16000.0, started, melTime, timestamps, promptTokens);
        run.ChooseLanguage(ct);
        return run;
    }

    /// <summary>One transcription's progress through the audio: whisper.cpp's seek, prompt_past and results.</summary>
    private sealed class TranscriptionRun
    {
        private readonly WhisperTranscriber _owner;
        private readonly MelSpectrogram _mel;
        private readonly double _audioSeconds;
        private readonly long _started;
        private readonly TimeSpan _melTime;
        private readonly TokenTimestamps? _timestamps;
        private readonly int _seekEnd;
        private readonly List<int> _promptPast = [];
        private readonly List<int> _promptInit = [];
        private EncoderOutput? _firstWindow;
        private int _seek;
        private int _windows;
        private TimeSpan _encodeTime;
        private TimeSpan _languageTime;
        private TimeSpan _sampleTime;

        public TranscriptionRun(WhisperTranscriber owner, MelSpectrogram mel, double audioSeconds, long started, TimeSpan melTime, TokenTimestamps? timestamps, IReadOnlyList<int> promptTokens)
        {
            _timestamps = timestamps;
            _owner = owner;
            _mel = mel;
            _audioSeconds = audioSeconds;
            _started = started;
            _melTime = melTime;
            _seekEnd = mel.FramesFromAudio;
            if (!owner._options.NoContext)
            {
                _promptPast.AddRange(promptTokens);
            }
        }

        // whisper.cpp processes nothing when less than 1 s of audio is left
        public bool Finished => _seek + 100 >= _seekEnd;

        public void ChooseLanguage(CancellationToken ct)
        {
            var options = _owner._options;
            var special = _owner._tokenizer.Special;
            var language = options.Language;
            _owner.DetectedLanguage = null;
            if (!special.IsMultilingual)
            {
                // English-only models ignore the language (whisper-cli switches to "en")
                language = "en";
            }
            else if (_seekEnd <= 0)
            {
                // no audio frames: nothing to detect from and nothing to decode
                language = string.Equals(language, "auto", StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(language) ? "en" : language;
            }
            else if (string.IsNullOrEmpty(language) || string.Equals(language, "auto", StringComparison.OrdinalIgnoreCase))
            {
                var started = Stopwatch.GetTimestamp();
                var detection = DetectLanguage(ct);
                _languageTime = Stopwatch.GetElapsedTime(started);
                _owner.DetectedLanguage = detection;
                language = detection.Code;
            }

            var languageIndex = WhisperLanguages.IndexOf(language);
            if (languageIndex < 0)
            {
                throw new ArgumentException($"Unknown language '{options.Language}'.", nameof(options));
            }

            _owner.Language = WhisperLanguages.All[languageIndex].Code;
            _promptInit.Add(special.StartOfTranscript);
            if (special.IsMultilingual)
            {
                _promptInit.Add(special.Language(languageIndex));
                _promptInit.Add(options.Translate ? special.Translate : special.Transcribe);
            }

            if (options.NoTimestamps)
            {
                _promptInit.Add(special.NoTimestamps);
            }
        }

        /// <summary>whisper_lang_auto_detect: encode the first window, feed sot, softmax over the language tokens.</summary>
        private LanguageDetection DetectLanguage(CancellationToken ct)
        {
            var special = _owner._tokenizer.Special;
            _firstWindow = Encode(0, ct);
            var decoder = _owner._decoder;
            decoder.Inner.SetEncoderOutput(_firstWindow);
            var logits = new float[special.VocabularySize];
            decoder.Rewind(0);
            decoder.Decode([special.StartOfTranscript], logits);

            var languages = WhisperLanguages.All;
            var count = 0;
            var max = float.NegativeInfinity;
            for (var i = 0; i < languages.Count; i++)
            {
                var token = special.Language(i);
                if (token < logits.Length)
                {
                    max = Math.Max(max, logits[token]);
                    count = i + 1;
                }
            }

            double sum = 0;
            var best = 0;
            for (var i = 0; i < count; i++)
            {
                var l = logits[special.Language(i)];
                sum += (float)Math.Exp(l - max);
                if (l > logits[special.Language(best)])
                {
                    best = i;
                }
            }

            var probability = (float)((float)Math.Exp(logits[special.Language(best)] - max) / sum);
            return new LanguageDetection(languages[best].Code, languages[best].Name, probability);
        }

        public TranscriptionProgress Progress() =>
            new(Finished ? _audioSeconds : Math.Min(_audioSeconds, _seek / 100.0), _audioSeconds, _windows);

        public TranscriptionStatistics Statistics()
        {
            var decoder = _owner._decoder;
            return new TranscriptionStatistics
            {
                MelTime = _melTime,
                EncodeTime = _encodeTime,
                Windows = _windows,
                PromptTime = decoder.PromptTime,
                PromptTokens = decoder.PromptTokens,
                DecodeTime = decoder.TokenTime,
                DecodedTokens = decoder.Tokens,
                BatchTime = decoder.BatchTime,
                BatchTokens = decoder.BatchTokens,
                BatchSteps = decoder.BatchSteps,
                LanguageDetectionTime = _languageTime,
                SampleTime = _sampleTime,
                TotalTime = Stopwatch.GetElapsedTime(_started),
                AudioSeconds = _audioSeconds,
            };
        }

        private EncoderOutput Encode(int seek, CancellationToken ct)
        {
            var started = Stopwatch.GetTimestamp();
            var output = _owner._encoder.Encode(_mel, seek, ct);
            _encodeTime += Stopwatch.GetElapsedTime(started);
            _windows++;
            return output;
        }

        /// <summary>Encodes and decodes the window at the current seek; returns its segments and moves seek on.</summary>
        public IReadOnlyList<TranscriptSegment> NextWindow(CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            var owner = _owner;
            var options = owner._options;
            var special = owner._tokenizer.Special;

            // the language detection already encoded the first window
            var encoded = _seek == 0 && _firstWindow is not null ? _firstWindow : Encode(_seek, ct);
            _firstWindow = null;
            owner._decoder.Inner.SetEncoderOutput(encoded);

            // a short tail confuses the decoder when conditioned on past text (whisper.cpp)
            if (_seek > 0 && _seek + 500 >= _seekEnd)
            {
                _promptPast.Clear();
            }

            var maxContext = options.NoContext ? 0 : options.MaxTextContext;
            var withPast = new List<int>(owner._textContext);
            if (_promptPast.Count > 0 && maxContext > 0)
            {
                var take = Math.Min(Math.Min(maxContext, owner._textContext / 2), _promptPast.Count);
                withPast.Add(special.Previous);
                for (var i = _promptPast.Count - take; i < _promptPast.Count; i++)
                {
                    withPast.Add(_promptPast[i]);
                }
            }

            var pastPrefix = withPast.Count;
            withPast.AddRange(_promptInit);
            var withoutPast = _promptInit.ToArray();
            var decodeBefore = owner._decoder.Elapsed;
            var decodeStarted = Stopwatch.GetTimestamp();
            var result = owner._windowDecoder.Decode(owner._decoder, withPast.ToArray(), withoutPast, _seek, _seekEnd, ct);
            var decoderTime = owner._decoder.Elapsed - decodeBefore;
            _sampleTime += Stopwatch.GetElapsedTime(decodeStarted) - decoderTime;

            // the prompt actually used at the accepted temperature (past only below 0.5)
            var usedPast = result.Temperature < 0.5f && pastPrefix > 0;
            var keptPast = usedPast ? withPast.GetRange(1, pastPrefix - 1) : [];
            _promptPast.Clear();
            _promptPast.AddRange(keptPast);
            if (!result.IsNoSpeech)
            {
                for (var i = 0; i < result.ResultLength && i < result.Tokens.Length; i++)
                {
                    _promptPast.Add(result.Tokens[i].Id);
                }
            }

            // only the last n_text_ctx/2 tokens can ever be used again
            var keep = owner._textContext;
            if (_promptPast.Count > keep)
            {
                _promptPast.RemoveRange(0, _promptPast.Count - keep);
            }

            var segments = result.IsNoSpeech ? [] : SegmentBuilder.Build(owner._tokenizer, result, _seek, options.SingleSegment, _timestamps);

            var seekDelta = result.SeekDelta;
            var tokens = result.Tokens;
            var singleTimestampEnding = tokens.Length > 1
                && tokens[^2].Id < special.TimestampBegin
                && tokens[^1].Id > special.TimestampBegin;
            if (singleTimestampEnding)
            {
                seekDelta = Math.Min(_seekEnd - _seek, WindowDecoder.WindowFrames);
            }

            _seek += seekDelta;
            return segments;
        }
    }

    /// <summary>Times the decoder calls as whisper.cpp reports them: single tokens, prompts, and best-of candidate batches.</summary>
    private sealed class TimedDecoderState(WhisperDecoderState inner) : ICandidateDecoder
    {
        public WhisperDecoderState Inner { get; } = inner;
        public TimeSpan PromptTime { get; private set; }
        public int PromptTokens { get; private set; }
        public TimeSpan TokenTime { get; private set; }
        public int Tokens { get; private set; }
        public TimeSpan BatchTime { get; private set; }
        public int BatchTokens { get; private set; }
        public int BatchSteps { get; private set; }

        /// <summary>All time spent in the decoder.</summary>
        public TimeSpan Elapsed => PromptTime + TokenTime + BatchTime;

        public int PastTokens => Inner.PastTokens;

        public void Rewind(int pastTokens) => Inner.Rewind(pastTokens);

        public void Decode(ReadOnlySpan<int> tokens, Span<float> logits)
        {
            var started = Stopwatch.GetTimestamp();
            Inner.Decode(tokens, logits);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (tokens.Length == 1)
            {
                TokenTime += elapsed;
                Tokens++;
            }
            else
            {
                PromptTime += elapsed;
                PromptTokens += tokens.Length;
            }
        }

        public void ForkPrompt(int promptLength, int count)
        {
            var started = Stopwatch.GetTimestamp();
            Inner.ForkPrompt(promptLength, count);
            BatchTime += Stopwatch.GetElapsedTime(started);
        }

        public void DecodeCandidates(ReadOnlySpan<int> tokens, ReadOnlySpan<int> sequences, int position, Span<float> logits)
        {
            var started = Stopwatch.GetTimestamp();
            Inner.DecodeCandidates(tokens, sequences, position, logits);
            BatchTime += Stopwatch.GetElapsedTime(started);
            BatchTokens += tokens.Length;
            BatchSteps++;
        }

        public void ReorderSequences(ReadOnlySpan<int> targets, ReadOnlySpan<int> sources)
        {
            var started = Stopwatch.GetTimestamp();
            Inner.ReorderSequences(targets, sources);
            BatchTime += Stopwatch.GetElapsedTime(started);
        }

        public void ResetTimings()
        {
            PromptTime = TimeSpan.Zero;
            TokenTime = TimeSpan.Zero;
            BatchTime = TimeSpan.Zero;
            PromptTokens = 0;
            Tokens = 0;
            BatchTokens = 0;
            BatchSteps = 0;
        }
    }
}
