using System.Runtime.InteropServices;

namespace LazyLecture.Worker.Engines.PocketSphinx;

/// <summary>A word of a decoded utterance as the library reports it (fillers and <c>word(2)</c> markers included).</summary>
/// <summary>A recognised word: its first and last (inclusive) frame and its posterior probability.</summary>
internal readonly record struct RecognizedWord(string Word, int StartFrame, int EndFrame, double Probability = 1);

/// <summary>
/// One native PocketSphinx decoder with its configuration. Not thread-safe (neither is the library's decoder): one
/// thread uses it from creation to disposal.
/// </summary>
internal sealed class PocketSphinxDecoder : IDisposable
{
    public const int SampleRate = 16000;

    /// <summary>Frames per second of the front end (<c>-frate</c>, given explicitly so word times can rely on it).</summary>
    public const int FramesPerSecond = 100;

    // The library logs to stderr by default, and -logfn would reopen a process-wide FILE* on every decoder (a race
    // between concurrent decoders), so the log is silenced once for the process instead.
    private static readonly Lazy<bool> LogSilenced = new(() =>
    {
        PocketSphinxNative.SetLogStream(0);
        return true;
    });

    /// <summary>The name the library gives the search it builds from <c>-lm</c> (<c>PS_DEFAULT_SEARCH</c>).</summary>
    private const string LanguageModelSearch = "_default";

    /// <summary>A keyword search for one common dictionary word: the cheapest search the library has.</summary>
    private const string FrontEndOnlySearch = "front-end-only";

    private const string FrontEndOnlyKeyphrase = "the";

    private bool _frontEndOnlySearchAdded;

    private readonly DecoderHandle _decoder;
    private readonly ConfigurationHandle _configuration;
    private readonly NativeArguments _arguments;

    private PocketSphinxDecoder(DecoderHandle decoder, ConfigurationHandle configuration, NativeArguments arguments)
    {
        _decoder = decoder;
        _configuration = configuration;
        _arguments = arguments;
    }

    /// <summary>Loads the models (about 0.3 s); throws when a file is missing or the library refuses the configuration.</summary>
    public static PocketSphinxDecoder Create(PocketSphinxOptions options)
    {
        // A missing file can end in the library's E_FATAL, which exits the process: check before the library looks.
        if (!File.Exists(Path.Combine(options.ModelPath, "mdef")))
        {
            throw new DirectoryNotFoundException($"PocketSphinx acoustic model not found: '{options.ModelPath}' has no mdef file.");
        }

        RequireFile(options.DictionaryPath, "dictionary");
        RequireFile(options.LanguageModelPath, "language model");
        _ = LogSilenced.Value;

        // The settings of pocketsphinx_continuous (its defaults for everything else), so results match Debian's tool.
        var arguments = new NativeArguments(
        [
            "-hmm", options.ModelPath,
            "-lm", options.LanguageModelPath,
            "-dict", options.DictionaryPath,
            "-samprate", SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-frate", FramesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ]);
        ConfigurationHandle? configuration = null;
        DecoderHandle? decoder = null;
        try
        {
            configuration = arguments.Parse();
            if (configuration.IsInvalid)
            {
                throw new InvalidOperationException("PocketSphinx refused its configuration (cmd_ln_parse_r failed).");
            }

            decoder = PocketSphinxNative.CreateDecoder(configuration);
            if (decoder.IsInvalid)
            {
                throw new InvalidOperationException(
                    $"PocketSphinx could not load its models (ps_init failed) from '{options.ModelPath}', '{options.LanguageModelPath}', '{options.DictionaryPath}'.");
            }

            return new PocketSphinxDecoder(decoder, configuration, arguments);
        }
        catch
        {
            decoder?.Dispose();
            configuration?.Dispose();
            arguments.Dispose();
            throw;
        }
    }

    public void StartUtterance() => Check(PocketSphinxNative.StartUtterance(_decoder), "ps_start_utt");

    /// <summary>
    /// Decodes the next utterances with <see cref="FrontEndOnlySearch"/> instead of the language model, for audio that is
    /// decoded only for what the front end learns from it (cepstral mean, noise estimate) and whose words are thrown away:
    /// the front end runs exactly as in any utterance (the search never feeds back into it), while the search costs about
    /// a twentieth of the language model's (0.03 against 0.6 of real time on one core for jfk.wav). Between utterances only.
    /// </summary>
    public void UseFrontEndOnlySearch()
    {
        if (!_frontEndOnlySearchAdded)
        {
            Check(PocketSphinxNative.AddKeyphraseSearch(_decoder, FrontEndOnlySearch, FrontEndOnlyKeyphrase), "ps_set_keyphrase");
            _frontEndOnlySearchAdded = true;
        }

        Check(PocketSphinxNative.SetSearch(_decoder, FrontEndOnlySearch), "ps_set_search");
    }

    /// <summary>Goes back to decoding with the language model (the decoder's search from its creation). Between utterances only.</summary>
    public void UseLanguageModelSearch() => Check(PocketSphinxNative.SetSearch(_decoder, LanguageModelSearch), "ps_set_search");

    public unsafe void Process(ReadOnlySpan<short> samples)
    {
        fixed (short* data = samples)
        {
            Check(PocketSphinxNative.ProcessRaw(_decoder, data, (nuint)samples.Length, noSearch: 0, fullUtterance: 0), "ps_process_raw");
        }
    }

    /// <summary>Whether the library's voice activity detector is inside speech after the samples processed so far.</summary>
    public bool InSpeech => PocketSphinxNative.GetInSpeech(_decoder) != 0;

    public void EndUtterance() => Check(PocketSphinxNative.EndUtterance(_decoder), "ps_end_utt");

    /// <summary>The words of the best hypothesis of the utterance just ended, frames counted from the decoder's first sample.</summary>
    public List<RecognizedWord> Words()
    {
        var words = new List<RecognizedWord>();
        var logMath = PocketSphinxNative.GetLogMath(_decoder);
        var segment = PocketSphinxNative.SegmentIterator(_decoder);
        try
        {
            while (segment != 0)
            {
                var word = Marshal.PtrToStringUTF8(PocketSphinxNative.SegmentWord(segment)) ?? string.Empty;
                PocketSphinxNative.SegmentFrames(segment, out var startFrame, out var endFrame);
                var posterior = PocketSphinxNative.SegmentProbability(segment, out _, out _, out _);
                var probability = Math.Clamp(PocketSphinxNative.LogMathExp(logMath, posterior), 0, 1);
                words.Add(new RecognizedWord(word, startFrame, endFrame, probability));
                segment = PocketSphinxNative.NextSegment(segment);
            }
        }
        finally
        {
            // ps_seg_next frees the iterator when it reaches the end; only an interrupted walk leaves one to free.
            if (segment != 0)
            {
                PocketSphinxNative.FreeSegmentIterator(segment);
            }
        }

        return words;
    }

    public void Dispose()
    {
        _decoder.Dispose();
        _configuration.Dispose();
        // Freed last: older SphinxBase releases keep pointers into argv for the configuration's lifetime.
        _arguments.Dispose();
    }

    private static void RequireFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"PocketSphinx {what} not found: '{path}'.", path);
        }
    }

    private static void Check(int result, string call)
    {
        if (result < 0)
        {
            throw new InvalidOperationException($"PocketSphinx {call} failed ({result}).");
        }
    }

    /// <summary>A native argv (NUL-terminated UTF-8 strings) for <c>cmd_ln_parse_r</c>.</summary>
    private sealed class NativeArguments : IDisposable
    {
        private readonly nint[] _strings;

        public NativeArguments(string[] arguments)
        {
            _strings = new nint[arguments.Length];
            for (var i = 0; i < arguments.Length; i++)
            {
                _strings[i] = Marshal.StringToCoTaskMemUTF8(arguments[i]);
            }
        }

        public unsafe ConfigurationHandle Parse()
        {
            fixed (nint* argv = _strings)
            {
                return PocketSphinxNative.ParseConfiguration(0, PocketSphinxNative.Arguments(), _strings.Length, argv, strict: 1);
            }
        }

        public void Dispose()
        {
            for (var i = 0; i < _strings.Length; i++)
            {
                Marshal.FreeCoTaskMem(_strings[i]);
                _strings[i] = 0;
            }
        }
    }
}
