using System.Globalization;
using LazyLecture.Whisper.Decoding;
using LazyLecture.Whisper.Text;

namespace LazyLecture.Whisper.Transcription;

/// <summary>A segment token with its time span in centiseconds (-1 while unknown), as whisper.cpp's token data.</summary>
internal struct TimedToken
{
    public int Id;
    public int TimestampId;
    public float Probability;
    public float TimestampProbability;
    public float TimestampProbabilitySum;
    public long Start;
    public long End;
    public float VoiceLength;
}

/// <summary>
/// whisper.cpp's token-level timestamps (the <c>token_timestamps</c> option, thresholds 0.01 as its defaults), so that
/// word times agree with whisper.cpp and Whisper.net: a token gets the time of its likeliest timestamp token when that
/// one is confident and moves forward; the tokens in between share the rest in proportion to a rough "voice length" of
/// their text; then each token's edges are moved to where the signal's energy crosses half its local mean.
/// One instance follows one transcription: like whisper.cpp it carries the last timestamp across segments.
/// </summary>
internal sealed class TokenTimestamps
{
    private const float TimestampProbabilityThreshold = 0.01f;
    private const float TimestampProbabilitySumThreshold = 0.01f;
    private const int SampleRate = 16000;

    // whisper.cpp averages |x| over 32 samples each side; the voice-activity window is 1/8 s each side.
    private const int EnergyHalfWindow = 32;
    private const int ActivityHalfWindow = SampleRate / 8;

    private readonly WhisperTokenizer _tokenizer;
    private readonly float[] _energy;
    private long _windowStart;
    private long _lastEnd;
    private int _lastTimestampId;

    private readonly WordEnergyAlignment _alignment;

    public TokenTimestamps(WhisperTokenizer tokenizer, ReadOnlySpan<float> samples, WordEnergyAlignment alignment)
    {
        _tokenizer = tokenizer;
        _alignment = alignment;
        _energy = Energy(samples);
    }

    /// <summary>Times the tokens of one segment (timestamp tokens included) that spans <paramref name="t0"/>–<paramref name="t1"/> centiseconds.</summary>
    public void Apply(Span<TimedToken> tokens, long t0, long t1)
    {
        var n = tokens.Length;
        if (_energy.Length == 0 || n == 0)
        {
            return;
        }

        if (n == 1)
        {
            tokens[0].Start = t0;
            tokens[0].End = t1;
            return;
        }

        var begin = _tokenizer.Special.TimestampBegin;
        AnchorOnTimestampTokens(tokens, t0, t1, begin);
        SplitUnknownSpans(tokens);
        RepairOrder(tokens);
        FitToVoiceActivity(tokens, _alignment == WordEnergyAlignment.SegmentRelative ? t0 : 0);
    }

    private void AnchorOnTimestampTokens(Span<TimedToken> tokens, long t0, long t1, int begin)
    {
        var n = tokens.Length;
        for (var j = 0; j < n; j++)
        {
            ref var token = ref tokens[j];
            if (j == 0)
            {
                if (token.Id == begin)
                {
                    token.Start = t0;
                    token.End = t0;
                    tokens[1].Start = t0;
                    _windowStart = t0;
                    _lastEnd = t0;
                    _lastTimestampId = begin;
                }
                else
                {
                    token.Start = _lastEnd;
                }
            }

            var time = _windowStart + 2L * (token.TimestampId - begin);
            token.VoiceLength = VoiceLength(token.Id);
            if (token.TimestampProbability > TimestampProbabilityThreshold
                && token.TimestampProbabilitySum > TimestampProbabilitySumThreshold
                && token.TimestampId > _lastTimestampId
                && time <= t1)
            {
                if (j > 0)
                {
                    tokens[j - 1].End = time;
                }

                token.Start = time;
                _lastTimestampId = token.TimestampId;
            }
        }

        tokens[n - 2].End = t1;
        tokens[n - 1].Start = t1;
        tokens[n - 1].End = t1;
        _lastEnd = t1;
    }

    /// <summary>Runs of tokens without an end share their span in proportion to their voice lengths.</summary>
    private static void SplitUnknownSpans(Span<TimedToken> tokens)
    {
        var n = tokens.Length;
        var p0 = 0;
        var p1 = 0;
        while (true)
        {
            while (p1 < n && tokens[p1].End < 0)
            {
                p1++;
            }

            if (p1 >= n)
            {
                p1--;
            }

            if (p1 > p0)
            {
                double total = 0;
                for (var j = p0; j <= p1; j++)
                {
                    total += tokens[j].VoiceLength;
                }

                double span = tokens[p1].End - tokens[p0].Start;
                for (var j = p0 + 1; j <= p1; j++)
                {
                    // whisper.cpp stores the double in an integer field: truncation, not rounding.
                    var cut = (long)(tokens[j - 1].Start + span * tokens[j - 1].VoiceLength / total);
                    tokens[j - 1].End = cut;
                    tokens[j].Start = cut;
                }
            }

            p1++;
            p0 = p1;
            if (p1 >= n)
            {
                break;
            }
        }
    }

    private static void RepairOrder(Span<TimedToken> tokens)
    {
        for (var j = 0; j < tokens.Length - 1; j++)
        {
            if (tokens[j].End < 0)
            {
                tokens[j + 1].Start = tokens[j].End;
            }

            if (j > 0 && tokens[j - 1].End > tokens[j].Start)
            {
                tokens[j].Start = tokens[j - 1].End;
                tokens[j].End = Math.Max(tokens[j].Start, tokens[j].End);
            }
        }
    }

    /// <summary>Moves each text token's edges to where the energy crosses half its mean around the token.</summary>
    /// <param name="origin">The time (centiseconds) that sample 0 of the energy is taken to be at.</param>
    private void FitToVoiceActivity(Span<TimedToken> tokens, long origin)
    {
        var n = tokens.Length;
        var samples = _energy.Length;
        var endOfText = _tokenizer.Special.EndOfText;
        for (var j = 0; j < n; j++)
        {
            if (tokens[j].Id >= endOfText)
            {
                continue;
            }

            var s0 = ToSample(tokens[j].Start - origin, samples);
            var s1 = ToSample(tokens[j].End - origin, samples);
            var from = Math.Max(s0 - ActivityHalfWindow, 0);
            var to = Math.Min(s1 + ActivityHalfWindow, samples);
            var sum = 0f;
            for (var k = from; k < to; k++)
            {
                sum += _energy[k];
            }

            var threshold = (float)(0.5 * sum / (to - from));
            var i = s0;
            if (_energy[i] > threshold && j > 0)
            {
                while (i > 0 && _energy[i] > threshold)
                {
                    i--;
                }

                tokens[j].Start = ToTime(i) + origin;
                if (tokens[j].Start < tokens[j - 1].End)
                {
                    tokens[j].Start = tokens[j - 1].End;
                }
                else
                {
                    s0 = i;
                }
            }
            else
            {
                while (_energy[i] < threshold && i < s1)
                {
                    i++;
                }

                s0 = i;
                tokens[j].Start = ToTime(i) + origin;
            }

            i = s1;
            if (_energy[i] > threshold)
            {
                while (i < samples - 1 && _energy[i] > threshold)
                {
                    i++;
                }

                tokens[j].End = ToTime(i) + origin;
                if (j < n - 1 && tokens[j].End > tokens[j + 1].Start)
                {
                    tokens[j].End = tokens[j + 1].Start;
                }
            }
            else
            {
                while (_energy[i] < threshold && i > s0)
                {
                    i--;
                }

                tokens[j].End = ToTime(i) + origin;
            }
        }
    }

    private static int ToSample(long centiseconds, int samples) =>
        Math.Max(0, Math.Min(samples - 1, (int)(centiseconds * SampleRate / 100)));

    private static long ToTime(int sample) => 100L * sample / SampleRate;

    /// <summary>
    /// whisper.cpp's cost of pronouncing a token's text: punctuation and digits weigh more, spaces almost nothing. It is
    /// taken over whisper.cpp's own name of the token, which for timestamp tokens is <c>[_TT_n]</c> and <c>[_BEG_]</c>.
    /// </summary>
    private float VoiceLength(int token)
    {
        var special = _tokenizer.Special;
        if (token == special.TimestampBegin)
        {
            return VoiceLength("[_BEG_]"u8);
        }

        if (token > special.TimestampBegin)
        {
            return VoiceLength(System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"[_TT_{token - special.TimestampBegin}]")));
        }

        return VoiceLength(_tokenizer.TokenBytes(token));
    }

    private static float VoiceLength(ReadOnlySpan<byte> text)
    {
        var length = 0f;
        foreach (var c in text)
        {
            length += c switch
            {
                (byte)' ' => 0.01f,
                (byte)',' => 2f,
                (byte)'.' or (byte)'!' or (byte)'?' => 3f,
                >= (byte)'0' and <= (byte)'9' => 3f,
                _ => 1f,
            };
        }

        return length;
    }

    /// <summary>Mean |x| over 65 samples around each sample, summed in whisper.cpp's order so thresholds compare alike.</summary>
    private static float[] Energy(ReadOnlySpan<float> samples)
    {
        var n = samples.Length;
        var energy = new float[n];
        for (var i = 0; i < n; i++)
        {
            var sum = 0f;
            var from = Math.Max(0, i - EnergyHalfWindow);
            var to = Math.Min(n - 1, i + EnergyHalfWindow);
            for (var k = from; k <= to; k++)
            {
                sum += MathF.Abs(samples[k]);
            }

            energy[i] = sum / (2 * EnergyHalfWindow + 1);
        }

        return energy;
    }

    internal static TimedToken From(SampledToken token) => new()
    {
        Id = token.Id,
        TimestampId = token.TimestampId,
        Probability = token.Probability,
        TimestampProbability = token.TimestampProbability,
        TimestampProbabilitySum = token.TimestampProbabilitySum,
        Start = -1,
        End = -1,
    };
}
