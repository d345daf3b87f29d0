using LazyLecture.Whisper.Text;

namespace LazyLecture.Whisper.Decoding;

/// <summary>The text decoder as the window decoder sees it: feed tokens, read the last position's logits.</summary>
internal interface IDecoderLogitSource
{
    int PastTokens { get; }

    void Rewind(int pastTokens);

    void Decode(ReadOnlySpan<int> tokens, Span<float> logits);
}

/// <summary>
/// A decoder that can hold several continuations of one prompt and advance them together, one pass over the weights
/// per step for all of them (whisper.cpp decodes its best-of decoders as one batch).
/// </summary>
internal interface ICandidateDecoder : IDecoderLogitSource
{
    /// <summary>Sequences 0..count-1 each hold the first <paramref name="promptLength"/> cached tokens of sequence 0.</summary>
    void ForkPrompt(int promptLength, int count);

    /// <summary>Feeds tokens[i] to sequence sequences[i], all at <paramref name="position"/>; lane i's logits go to logits[i·vocab ..].</summary>
    void DecodeCandidates(ReadOnlySpan<int> tokens, ReadOnlySpan<int> sequences, int position, Span<float> logits);

    /// <summary>
    /// Sequence targets[i] continues from what sequence sources[i] holds now (whisper.cpp copies a beam's KV cache to the
    /// decoders that take its candidates); every source is read before any target changes.
    /// </summary>
    void ReorderSequences(ReadOnlySpan<int> targets, ReadOnlySpan<int> sources);
}

/// <summary>Thresholds and limits of one window's decode (whisper.cpp's whisper_full_params subset).</summary>
internal sealed record WindowDecodingSettings
{
    /// <summary>Temperatures tried in order until one passes the quality checks; the last one is always accepted.</summary>
    public IReadOnlyList<float> Temperatures { get; init; } = [0f];

    /// <summary>Candidates sampled at a temperature above zero; the best-scoring one wins.</summary>
    public int BestOf { get; init; } = 5;

    /// <summary>Beams at temperature 0 (whisper.cpp's beam search when above 1); 1 decodes greedily.</summary>
    public int BeamSize { get; init; } = 1;

    /// <summary>A sequence longer than 32 tokens whose last 32 tokens have less entropy than this failed (repetition).</summary>
    public float EntropyThreshold { get; init; } = 2.4f;

    /// <summary>Average log-probability below this (with no-speech probability below its threshold) falls back.</summary>
    public float LogProbabilityThreshold { get; init; } = -1.0f;

    public float NoSpeechThreshold { get; init; } = 0.6f;

    /// <summary>openai/whisper's gzip test; null keeps whisper.cpp's behaviour (entropy only).</summary>
    public double? CompressionRatioThreshold { get; init; }

    /// <summary>Maximum tokens per window (0: up to n_text_ctx/2 - 4).</summary>
    public int MaxTokens { get; init; }

    public float LengthPenalty { get; init; } = -1f;

    public bool NoTimestamps { get; init; }

    public bool SingleSegment { get; init; }
}

/// <summary>What one window decoded to: whisper.cpp's best decoder after the temperature loop.</summary>
internal sealed record WindowDecodeResult(
    SampledToken[] Tokens,
    int ResultLength,
    int SeekDelta,
    float NoSpeechProbability,
    double AverageLogProbability,
    bool Failed,
    float Temperature,
    bool IsNoSpeech,
    int DecodedTokenCount);

/// <summary>
/// Decodes one 30 s window from its prompt as whisper.cpp's whisper_full_with_state does, greedy/best-of sampling or
/// beam search: timestamp bookkeeping, end conditions, repetition and quality checks, temperature fallback.
/// Buffers are allocated once; the per-token loop allocates nothing.
/// </summary>
internal sealed class WindowDecoder
{
    /// <summary>whisper.cpp's window length in frames (30 s of 10 ms frames).</summary>
    public const int WindowFrames = 3000;

    private readonly WhisperTokenizer _tokenizer;
    private readonly LogitFilter _filter;
    private readonly WindowDecodingSettings _settings;
    private readonly int _maxSampled;
    private readonly float[] _rawLogits;
    private readonly float[] _promptLogits;
    private readonly TokenDistribution _noSpeechScratch;
    private readonly Candidate[] _candidates;
    private readonly Candidate[] _parents; // the beams' sequences before a step's candidates are handed out
    private readonly Mt19937[] _random;
    private readonly int[] _laneTokens;
    private readonly int[] _laneCandidates;
    private readonly int[] _laneSources;
    private readonly float[] _laneLogits;
    private readonly SampledToken[] _drawn;
    private readonly BeamCandidate[] _beamCandidates;
    private int[] _lastPrompt = [];
    private int _bestCandidate;

    public WindowDecoder(WhisperTokenizer tokenizer, LogitFilter filter, WindowDecodingSettings settings, int textContext)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(settings);
        _tokenizer = tokenizer;
        _filter = filter;
        _settings = settings;
        _maxSampled = textContext / 2 - 4;
        var n = tokenizer.VocabularySize;
        _rawLogits = new float[n];
        _promptLogits = new float[n];
        _noSpeechScratch = new TokenDistribution(n);

        // whisper.cpp keeps max(best_of, beam_size) decoders
        var beams = IsBeamSearch ? settings.BeamSize : 1;
        var candidates = Math.Max(1, Math.Max(settings.BestOf, beams));
        _candidates = new Candidate[candidates];
        _parents = new Candidate[IsBeamSearch ? candidates : 0];
        _random = new Mt19937[candidates];
        for (var j = 0; j < candidates; j++)
        {
            _candidates[j] = new Candidate(_maxSampled, n);
        }

        for (var j = 0; j < _parents.Length; j++)
        {
            _parents[j] = new Candidate(_maxSampled, 0);
        }

        ResetSampling();

        _laneTokens = new int[candidates];
        _laneCandidates = new int[candidates];
        _laneSources = new int[candidates];
        _laneLogits = candidates > 1 ? new float[candidates * n] : [];
        _drawn = new SampledToken[beams];
        _beamCandidates = new BeamCandidate[IsBeamSearch ? candidates * beams : 0];
    }

    /// <summary>whisper.cpp's strategy: beam search when the beam size is above 1.</summary>
    private bool IsBeamSearch => _settings.BeamSize > 1;

    /// <summary>
    /// Re-seeds the candidates' random streams, as whisper.cpp does at the start of each transcription, so sampling at
    /// fallback temperatures is repeatable per transcription however often the decoder has been used.
    /// </summary>
    public void ResetSampling()
    {
        for (var j = 0; j < _random.Length; j++)
        {
            _random[j] = new Mt19937((uint)j); // whisper.cpp seeds decoder j with j
        }
    }

    /// <summary>Tokens sampled at most per window: n_text_ctx/2 - 4.</summary>
    public int MaxSampledTokens => _maxSampled;

    /// <summary>
    /// Decodes the window at <paramref name="seek"/> (frames) of audio ending at <paramref name="seekEnd"/>.
    /// <paramref name="promptWithPast"/> is [prev] + past tokens + sot…, used below temperature 0.5;
    /// <paramref name="promptWithoutPast"/> (sot…) above.
    /// </summary>
    public WindowDecodeResult Decode(IDecoderLogitSource decoder, ReadOnlySpan<int> promptWithPast, ReadOnlySpan<int> promptWithoutPast, int seek, int seekEnd, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        var temperatures = _settings.Temperatures;
        var noSpeechProbability = 0f;
        var temperature = 0f;
        var decoded = 0;
        _lastPrompt = [];
        _bestCandidate = 0;
        for (var it = 0; it < temperatures.Count; it++)
        {
            temperature = temperatures[it];
            var candidates = DecoderCount(temperature);
            var prompt = temperature < 0.5f ? promptWithPast : promptWithoutPast;

            if (!prompt.SequenceEqual(_lastPrompt))
            {
                decoder.Rewind(0);
                decoder.Decode(prompt, _promptLogits);
                decoded += prompt.Length;
                _lastPrompt = prompt.ToArray();
            }

            noSpeechProbability = NoSpeechProbability(_promptLogits);

            if (IsBeamSearch)
            {
                var beams = decoder as ICandidateDecoder
                    ?? throw new NotSupportedException("Beam search needs a decoder that holds several sequences.");
                decoded += RunBeams(beams, candidates, prompt.Length, temperature, seek, seekEnd, ct);
            }
            else if (candidates > 1 && decoder is ICandidateDecoder together)
            {
                decoded += RunCandidatesTogether(together, candidates, prompt.Length, temperature, seek, seekEnd, ct);
            }
            else
            {
                for (var j = 0; j < candidates; j++)
                {
                    decoded += RunCandidate(decoder, j, prompt.Length, temperature, seek, seekEnd, ct);
                }
            }

            var bestScore = double.NegativeInfinity;
            for (var j = 0; j < candidates; j++)
            {
                var candidate = _candidates[j];
                if (candidate.Failed)
                {
                    continue;
                }

                candidate.Count = candidate.ResultLength;
                candidate.Score = SequenceScore.Of(candidate.Tokens.AsSpan(0, candidate.Count), _settings.LengthPenalty);
                if (candidate.ResultLength > 32 && candidate.Score.Entropy < _settings.EntropyThreshold)
                {
                    candidate.Failed = true;
                    continue;
                }

                if (_settings.CompressionRatioThreshold is { } ratioThreshold
                    && CompressionRatio.Of(_tokenizer.Decode(candidate.Ids.AsSpan(0, candidate.Count))) > ratioThreshold)
                {
                    candidate.Failed = true;
                    continue;
                }

                if (bestScore < candidate.Score.Score)
                {
                    bestScore = candidate.Score.Score;
                    _bestCandidate = j;
                }
            }

            // whisper.cpp keeps the previous best index when every candidate failed
            if (_bestCandidate >= candidates)
            {
                _bestCandidate = 0;
            }

            var best = _candidates[_bestCandidate];
            var isLast = it == temperatures.Count - 1;
            var needsFallback = best.Failed
                || (best.Score.AverageLogProbability < _settings.LogProbabilityThreshold && noSpeechProbability < _settings.NoSpeechThreshold);
            if (isLast || !needsFallback)
            {
                break;
            }
        }

        var chosen = _candidates[_bestCandidate];
        var isNoSpeech = noSpeechProbability > _settings.NoSpeechThreshold
            && chosen.Score.AverageLogProbability < _settings.LogProbabilityThreshold;
        return new WindowDecodeResult(
            chosen.Tokens.AsSpan(0, chosen.Count).ToArray(),
            chosen.ResultLength,
            chosen.SeekDelta,
            noSpeechProbability,
            chosen.Score.AverageLogProbability,
            chosen.Failed,
            temperature,
            isNoSpeech,
            decoded);
    }

    // whisper.cpp's decoders per temperature: best_of above zero, else the beam size (beam search) or one (greedy).
    private int DecoderCount(float temperature)
    {
        var count = temperature > 0f ? _settings.BestOf : IsBeamSearch ? _settings.BeamSize : 1;
        return Math.Clamp(count, 1, _candidates.Length);
    }

    // Beam search as whisper.cpp v1.7.5 runs it: each running decoder draws beam-size tokens from its distribution with
    // its own random stream; all draws are ranked by the sequence's summed log-probability, and the running decoders, in
    // order, take the best ones (a sequence already taken is skipped after the first step), each continuing in the KV
    // cache of the decoder its candidate came from. Finished decoders keep their sequence. All running decoders then
    // decode their new token as one batch: one pass over the weights per step.
    private int RunBeams(ICandidateDecoder decoder, int count, int promptLength, float temperature, int seek, int seekEnd, CancellationToken ct)
    {
        decoder.ForkPrompt(promptLength, count);
        for (var j = 0; j < count; j++)
        {
            Begin(_candidates[j], temperature);
        }

        var beg = _filter.Special.TimestampBegin;
        var decoded = 0;
        for (var i = 0; i < _maxSampled; i++)
        {
            var drawnCount = 0;
            for (var j = 0; j < count; j++)
            {
                var c = _candidates[j];
                if (!c.Running)
                {
                    continue;
                }

                TokenSampler.DrawSeveral(c.Distribution, beg, _random[j], _drawn);
                foreach (var token in _drawn)
                {
                    _beamCandidates[drawnCount] = new BeamCandidate(j, drawnCount, token, c.SumLogProbability + token.LogProbability);
                    drawnCount++;
                }

                _parents[j].CopySequenceFrom(c);
            }

            var ranked = _beamCandidates.AsSpan(0, drawnCount);
            ranked.Sort(BeamCandidate.Ranking);

            var lanes = 0;
            var next = 0;
            for (var j = 0; j < count; j++)
            {
                var c = _candidates[j];
                if (!c.Running)
                {
                    continue;
                }

                next = next < ranked.Length ? next : 0;
                var chosen = ranked[next++];
                while (i > 0 && next < ranked.Length && SameSequence(ranked[next], chosen))
                {
                    next++;
                }

                c.CopySequenceFrom(_parents[chosen.Decoder]);
                c.Append(chosen.Token);
                _laneCandidates[lanes] = j;
                _laneSources[lanes] = chosen.Decoder;
                lanes++;
            }

            decoder.ReorderSequences(_laneCandidates.AsSpan(0, lanes), _laneSources.AsSpan(0, lanes));

            lanes = AdvanceAndDecode(decoder, count, i, promptLength, temperature, seek, seekEnd, ct);
            if (lanes == 0)
            {
                break;
            }

            decoded += lanes;
        }

        return decoded;
    }

    // whisper_sequence_tokens_equal of two candidates: the same token after the same parent sequence.
    private bool SameSequence(BeamCandidate a, BeamCandidate b)
    {
        if (a.Token.Id != b.Token.Id)
        {
            return false;
        }

        if (a.Decoder == b.Decoder)
        {
            return true;
        }

        var x = _parents[a.Decoder];
        var y = _parents[b.Decoder];
        return x.Ids.AsSpan(0, x.Count).SequenceEqual(y.Ids.AsSpan(0, y.Count));
    }

    // Candidate j alone: rewind to the prompt, then sample and decode token by token.
    private int RunCandidate(IDecoderLogitSource decoder, int j, int promptLength, float temperature, int seek, int seekEnd, CancellationToken ct)
    {
        var c = _candidates[j];
        decoder.Rewind(promptLength);
        Begin(c, temperature);
        var decoded = 0;
        Span<int> next = stackalloc int[1];
        for (var i = 0; i < _maxSampled && SampleNext(c, i, temperature, _random[j], seek, seekEnd); i++)
        {
            ct.ThrowIfCancellationRequested();
            next[0] = c.Ids[c.Count - 1];
            decoder.Decode(next, _rawLogits);
            decoded++;
            _filter.Apply(_rawLogits, c.Ids.AsSpan(0, c.Count), c.HasTimestamp, c.SeekDelta, temperature, c.Distribution);
        }

        return decoded;
    }

    // Candidates 0..count-1 in lockstep, each in its own KV sequence: every step decodes the still-running ones as one
    // batch. Each candidate samples from its own distribution and random stream, so the outcome equals RunCandidate's.
    private int RunCandidatesTogether(ICandidateDecoder decoder, int count, int promptLength, float temperature, int seek, int seekEnd, CancellationToken ct)
    {
        decoder.ForkPrompt(promptLength, count);
        for (var j = 0; j < count; j++)
        {
            Begin(_candidates[j], temperature);
        }

        var decoded = 0;
        for (var i = 0; i < _maxSampled; i++)
        {
            for (var j = 0; j < count; j++)
            {
                var c = _candidates[j];
                if (c.Running)
                {
                    c.Append(Sample(c, temperature, _random[j]));
                }
            }

            var lanes = AdvanceAndDecode(decoder, count, i, promptLength, temperature, seek, seekEnd, ct);
            if (lanes == 0)
            {
                break;
            }

            decoded += lanes;
        }

        return decoded;
    }

    // After each running candidate has its token i: whisper.cpp's end rules, then one batch decode of those that go on
    // and their next distributions. Returns how many went on (0: the window is done).
    private int AdvanceAndDecode(ICandidateDecoder decoder, int count, int i, int promptLength, float temperature, int seek, int seekEnd, CancellationToken ct)
    {
        var lanes = 0;
        for (var j = 0; j < count; j++)
        {
            var c = _candidates[j];
            if (c.Running && Advance(c, i, seek, seekEnd))
            {
                _laneTokens[lanes] = c.Ids[c.Count - 1];
                _laneCandidates[lanes] = j;
                lanes++;
            }
            else
            {
                c.Running = false;
            }
        }

        if (lanes == 0)
        {
            return 0;
        }

        ct.ThrowIfCancellationRequested();
        decoder.DecodeCandidates(_laneTokens.AsSpan(0, lanes), _laneCandidates.AsSpan(0, lanes), promptLength + i, _laneLogits);
        var vocabulary = _rawLogits.Length;
        for (var lane = 0; lane < lanes; lane++)
        {
            var c = _candidates[_laneCandidates[lane]];
            _filter.Apply(_laneLogits.AsSpan(lane * vocabulary, vocabulary), c.Ids.AsSpan(0, c.Count), c.HasTimestamp, c.SeekDelta, temperature, c.Distribution);
        }

        return lanes;
    }

    private void Begin(Candidate c, float temperature)
    {
        c.Reset();
        _filter.Apply(_promptLogits, [], hasTimestamp: false, c.SeekDelta, temperature, c.Distribution);
    }

    /// <summary>
    /// Samples the candidate's token <paramref name="i"/> and applies whisper.cpp's end rules; true when the window goes on
    /// and the token must be fed to the decoder.
    /// </summary>
    private bool SampleNext(Candidate c, int i, float temperature, Mt19937 random, int seek, int seekEnd)
    {
        c.Append(Sample(c, temperature, random));
        return Advance(c, i, seek, seekEnd);
    }

    // whisper_sample_token: the likeliest token at temperature 0, else a draw.
    private SampledToken Sample(Candidate c, float temperature, Mt19937 random)
    {
        var beg = _filter.Special.TimestampBegin;
        return temperature < 1e-6f ? TokenSampler.Best(c.Distribution, beg) : TokenSampler.Draw(c.Distribution, beg, random);
    }

    /// <summary>
    /// whisper.cpp's update of a decoder after its token <paramref name="i"/> (the last one appended): the window's end
    /// moves with timestamps, the decoder completes or fails; true when it goes on.
    /// </summary>
    private bool Advance(Candidate c, int i, int seek, int seekEnd)
    {
        var special = _filter.Special;
        var beg = special.TimestampBegin;
        var token = c.Tokens[c.Count - 1];

        // a timestamp token moves the window's end; <|0.00|> itself does not count
        if (token.Id > beg)
        {
            var seekDeltaNew = 2 * (token.Id - beg);
            if (c.HasTimestamp && c.SeekDelta > seekDeltaNew && c.ResultLength < i)
            {
                c.Failed = true;
                return false;
            }

            c.SeekDelta = seekDeltaNew;
            c.ResultLength = i + 1;
            c.HasTimestamp = true;
        }

        var endOfAudio = c.HasTimestamp && seek + c.SeekDelta + 100 >= seekEnd;
        if (token.Id == special.EndOfText || (_settings.MaxTokens > 0 && i >= _settings.MaxTokens) || endOfAudio)
        {
            if (c.ResultLength == 0 && !_settings.NoTimestamps)
            {
                if (seek + c.SeekDelta + 100 >= seekEnd)
                {
                    c.ResultLength = i + 1;
                }
                else
                {
                    c.Failed = true;
                    return false;
                }
            }

            if (_settings.SingleSegment || _settings.NoTimestamps)
            {
                c.ResultLength = i + 1;
                c.SeekDelta = WindowFrames;
            }

            return false;
        }

        // stuck in a repetition loop: no timestamp, or less than half the window consumed
        if (i == _maxSampled - 1)
        {
            if (c.ResultLength == 0 || c.SeekDelta < WindowFrames / 2)
            {
                c.Failed = true;
            }

            return false;
        }

        return true;
    }

    /// <summary>p(no speech) from the prompt's raw logits, before any filter (whisper.cpp).</summary>
    private float NoSpeechProbability(float[] logits)
    {
        var logProbabilities = _noSpeechScratch.LogProbabilities;
        var probabilities = _noSpeechScratch.Probabilities;
        TokenDistribution.ComputeLogProbabilities(logits, logProbabilities, probabilities);
        TokenDistribution.ComputeProbabilities(logProbabilities, probabilities);
        return probabilities[_filter.Special.NoSpeech];
    }

    private sealed class Candidate(int capacity, int vocabularySize)
    {
        /// <summary>The filtered distribution the next token is sampled from.</summary>
        public TokenDistribution Distribution { get; } = new(vocabularySize);
        public bool Running { get; set; }
        public SampledToken[] Tokens { get; } = new SampledToken[capacity];
        public int[] Ids { get; } = new int[capacity];
        public int Count { get; set; }
        public int ResultLength { get; set; }
        public int SeekDelta { get; set; }
        public bool HasTimestamp { get; set; }
        public bool Failed { get; set; }
        public SequenceScore Score { get; set; }

        /// <summary>whisper.cpp's sum_logprobs_all: every sampled token's log-probability, the rank of a beam.</summary>
        public double SumLogProbability { get; set; }

        public void Append(SampledToken token)
        {
            Tokens[Count] = token;
            Ids[Count] = token.Id;
            Count++;
            SumLogProbability += token.LogProbability;
        }

        /// <summary>Takes over another decoder's sequence and window state (a beam's candidate), not its distribution.</summary>
        public void CopySequenceFrom(Candidate other)
        {
            other.Tokens.AsSpan(0, other.Count).CopyTo(Tokens);
            other.Ids.AsSpan(0, other.Count).CopyTo(Ids);
            Count = other.Count;
            ResultLength = other.ResultLength;
            SeekDelta = other.SeekDelta;
            HasTimestamp = other.HasTimestamp;
            SumLogProbability = other.SumLogProbability;
        }

        public void Reset()
        {
            Count = 0;
            SumLogProbability = 0;
            ResultLength = 0;
            SeekDelta = WindowFrames;
            HasTimestamp = false;
            Failed = false;
            Running = true;
            Score = new SequenceScore(double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, 0);
        }
    }
}

/// <summary>A drawn continuation of a beam: the decoder it came from, its place among the step's draws, the token, and the sequence's summed log-probability with it.</summary>
internal readonly record struct BeamCandidate(int Decoder, int Draw, SampledToken Token, double SumLogProbability)
{
    /// <summary>
    /// whisper.cpp's order: higher sum first, then the lower decoder; draws that tie on both (the same token drawn twice)
    /// keep their drawing order, so the ranking is the same on every run.
    /// </summary>
    public static Comparison<BeamCandidate> Ranking { get; } = static (a, b) =>
        a.SumLogProbability != b.SumLogProbability ? b.SumLogProbability.CompareTo(a.SumLogProbability)
        : a.Decoder != b.Decoder ? a.Decoder.CompareTo(b.Decoder)
        : a.Draw.CompareTo(b.Draw);
}
