using System.Runtime.CompilerServices;
using LazyLecture.Whisper.Text;

namespace LazyLecture.Whisper.Decoding;

/// <summary>Which of whisper.cpp's optional logit filters are on.</summary>
internal sealed record LogitFilterSettings
{
    /// <summary>Suppress end-of-text and the lone space as the first sampled token.</summary>
    public bool SuppressBlank { get; init; } = true;

    /// <summary>Suppress punctuation/music tokens that are not speech (whisper.cpp's suppress_nst).</summary>
    public bool SuppressNonSpeechTokens { get; init; }

    /// <summary>Decode text only: every timestamp token is suppressed.</summary>
    public bool NoTimestamps { get; init; }

    /// <summary>The first timestamp may not be later than this (seconds); 0 turns the rule off.</summary>
    public float MaxInitialTimestamp { get; init; } = 1.0f;

    /// <summary>Keep the speaker-turn token (tinydiarize models).</summary>
    public bool AllowSpeakerTurn { get; init; }
}

/// <summary>
/// whisper.cpp's whisper_process_logits: temperature, token suppression and the timestamp rules, then
/// log-softmax and probabilities — in the same order and single precision so greedy choices match.
/// </summary>
internal sealed class LogitFilter
{
    // whisper.cpp's non_speech_tokens list (from openai's tokenizer), each also with a leading space
    private static readonly string[] NonSpeechStrings =
    [
        "\"", "#", "(", ")", "*", "+", "/", ":", ";", "<", "=", ">", "@", "[", "\\", "]", "^",
        "_", "`", "{", "|", "}", "~", "「", "」", "『", "』", "<<", ">>", "<<<", ">>>", "--",
        "---", "-(", "-[", "('", "(\"", "((", "))", "(((", ")))", "[[", "]]", "{{", "}}", "♪♪",
        "♪♪♪", "♩", "♪", "♫", "♬", "♭", "♮", "♯",
    ];

    private readonly WhisperSpecialTokens _special;
    private readonly LogitFilterSettings _settings;
    private readonly int _spaceToken;
    private readonly int _maxInitialTimestampIndex;
    private readonly int[] _nonSpeechTokens;

    public LogitFilter(WhisperTokenizer tokenizer, LogitFilterSettings settings, int audioContext = 1500)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(settings);
        _special = tokenizer.Special;
        _settings = settings;
        _spaceToken = tokenizer.SpaceToken;

        // whisper.cpp: precision = 30 s / n_audio_ctx, tid0 = round(max_initial_ts / precision)
        var precision = 30f / audioContext;
        _maxInitialTimestampIndex = settings.MaxInitialTimestamp > 0f
            ? (int)MathF.Round(settings.MaxInitialTimestamp / precision, MidpointRounding.AwayFromZero)
            : -1;
        _nonSpeechTokens = settings.SuppressNonSpeechTokens ? FindNonSpeechTokens(tokenizer) : [];
    }

    public WhisperSpecialTokens Special => _special;

    /// <summary>
    /// Fills <paramref name="output"/> from the raw logits of the last position.
    /// <paramref name="tokens"/> are the tokens sampled so far in this window (after the prompt);
    /// <paramref name="hasTimestamp"/>/<paramref name="seekDelta"/> are the decoder's timestamp progress (frames).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot per token: skip the unoptimised first tier
    public void Apply(ReadOnlySpan<float> rawLogits, ReadOnlySpan<int> tokens, bool hasTimestamp, int seekDelta, float temperature, TokenDistribution output)
    {
        var s = _special;
        var n = output.VocabularySize;
        var logits = output.Logits.AsSpan(0, n);
        rawLogits[..n].CopyTo(logits);

        if (temperature > 0f)
        {
            DistributionMath.Divide(logits, temperature);
        }

        var isInitial = tokens.IsEmpty;
        if (_settings.SuppressBlank && isInitial)
        {
            logits[s.EndOfText] = float.NegativeInfinity;
            if (_spaceToken >= 0)
            {
                logits[_spaceToken] = float.NegativeInfinity;
            }
        }

        logits[s.NoTimestamps] = float.NegativeInfinity;
        if (_settings.NoTimestamps)
        {
            logits[s.TimestampBegin..].Fill(float.NegativeInfinity);
        }

        logits[s.StartOfTranscript] = float.NegativeInfinity;
        logits[s.NoSpeech] = float.NegativeInfinity;
        if (!_settings.AllowSpeakerTurn)
        {
            logits[s.StartOfLm] = float.NegativeInfinity;
        }

        logits[s.Translate] = float.NegativeInfinity;
        logits[s.Transcribe] = float.NegativeInfinity;
        logits[s.Previous] = float.NegativeInfinity;

        // whisper.cpp suppresses all 100 entries of its language table, whatever the model's language count
        for (var i = 0; i < WhisperLanguages.All.Count; i++)
        {
            var token = s.Language(i);
            if (token < n)
            {
                logits[token] = float.NegativeInfinity;
            }
        }

        foreach (var token in _nonSpeechTokens)
        {
            logits[token] = float.NegativeInfinity;
        }

        // timestamps come in pairs, except directly before end-of-text
        var lastWasTimestamp = tokens.Length > 0 && tokens[^1] >= s.TimestampBegin;
        var penultimateWasTimestamp = tokens.Length < 2 || tokens[^2] >= s.TimestampBegin;
        if (lastWasTimestamp)
        {
            if (penultimateWasTimestamp)
            {
                logits[s.TimestampBegin..].Fill(float.NegativeInfinity);
            }
            else
            {
                logits[..s.EndOfText].Fill(float.NegativeInfinity);
            }
        }

        if (isInitial && _maxInitialTimestampIndex >= 0)
        {
            var firstSuppressed = s.TimestampBegin + _maxInitialTimestampIndex + 1;
            if (firstSuppressed < n)
            {
                logits[firstSuppressed..].Fill(float.NegativeInfinity);
            }
        }

        // timestamps may not go back in time within a window
        if (hasTimestamp)
        {
            var end = Math.Min(n, s.TimestampBegin + seekDelta / 2);
            for (var i = s.TimestampBegin; i < end; i++)
            {
                logits[i] = float.NegativeInfinity;
            }
        }

        var logProbabilities = output.LogProbabilities.AsSpan(0, n);
        TokenDistribution.ComputeLogProbabilities(logits, logProbabilities, output.Probabilities.AsSpan(0, n));

        // if the timestamps together are likelier than any single text token, a timestamp must come
        var timestampLogProbability = LogSumExp(logProbabilities[s.TimestampBegin..], output.Probabilities.AsSpan(s.TimestampBegin, n - s.TimestampBegin));
        var maxTextLogProbability = DistributionMath.Max(logProbabilities[..s.TimestampBegin]);

        if (timestampLogProbability > maxTextLogProbability)
        {
            logits[..s.TimestampBegin].Fill(float.NegativeInfinity);
            logProbabilities[..s.TimestampBegin].Fill(float.NegativeInfinity);
        }

        TokenDistribution.ComputeProbabilities(logProbabilities, output.Probabilities.AsSpan(0, n));
    }

    private static float LogSumExp(ReadOnlySpan<float> values, Span<float> scratch)
    {
        var max = DistributionMath.Max(values);
        if (float.IsNegativeInfinity(max))
        {
            return float.NegativeInfinity;
        }

        return MathF.Log(DistributionMath.ExpShiftedSum(values, max, scratch)) + max;
    }

    private static int[] FindNonSpeechTokens(WhisperTokenizer tokenizer)
    {
        var ids = new List<int>();
        foreach (var text in NonSpeechStrings)
        {
            AddIfPresent(tokenizer, ids, text);
            AddIfPresent(tokenizer, ids, " " + text);
        }

        // hyphens and apostrophes are fine inside words, not at a word's start
        AddIfPresent(tokenizer, ids, " -");
        AddIfPresent(tokenizer, ids, " '");
        return [.. ids];
    }

    private static void AddIfPresent(WhisperTokenizer tokenizer, List<int> ids, string text)
    {
        var id = tokenizer.Find(System.Text.Encoding.UTF8.GetBytes(text));
        if (id >= 0)
        {
            ids.Add(id);
        }
    }
}
