namespace LazyLecture.Worker.VoiceActivity;

/// <summary>A stretch of speech in seconds from the start of the recording, its padding included.</summary>
public readonly record struct SpeechRegion(double Start, double End)
{
    public double Duration => End - Start;
}

/// <summary>
/// Silero's reference <c>get_speech_timestamps</c> (snakers4/silero-vad, utils_vad.py) over the model's window
/// probabilities: hysteresis between the threshold and neg_threshold, speech that ends only after the minimum silence, too
/// short speech dropped, too long speech split at its last pause over 98 ms, then padding on both sides (half the gap each
/// where two regions are closer than twice the padding).
/// </summary>
public static class SpeechTimestamps
{
    /// <param name="probabilities">One per 512-sample window from the start of the recording.</param>
    /// <param name="sampleCount">The recording's length in samples.</param>
    public static IReadOnlyList<SpeechRegion> Find(IReadOnlyList<float> probabilities, long sampleCount, SpeechDetectionSettings settings)
    {
        const int window = SileroVadModel.WindowSamples;
        const double rate = SileroVadModel.SampleRate;
        var minSpeechSamples = rate * settings.MinSpeechDurationMs / 1000;
        var speechPadSamples = (long)(rate * settings.SpeechPadMs / 1000);
        var maxSpeechSamples = rate * settings.MaxSpeechDurationSecs - window - 2 * speechPadSamples;
        var minSilenceSamples = rate * settings.MinSilenceDurationMs / 1000;
        var minSilenceSamplesAtMaxSpeech = rate * 98 / 1000;
        var threshold = settings.Threshold;
        var negativeThreshold = settings.NegativeThreshold;

        var speeches = new List<(long Start, long End)>();
        var triggered = false;
        long currentStart = -1; // -1: no speech is open
        long tempEnd = 0, prevEnd = 0, nextStart = 0;
        for (var i = 0; i < probabilities.Count; i++)
        {
            var probability = probabilities[i];
            var sample = (long)window * i;
            if (probability >= threshold && tempEnd != 0)
            {
                tempEnd = 0;
                if (nextStart < prevEnd)
                {
                    nextStart = sample;
                }
            }

            if (probability >= threshold && !triggered)
            {
                triggered = true;
                currentStart = sample;
                continue;
            }

            if (triggered && sample - currentStart > maxSpeechSamples)
            {
                if (prevEnd != 0)
                {
                    speeches.Add((currentStart, prevEnd));
                    if (nextStart < prevEnd)
                    {
                        // silence since then, and still no speech
                        triggered = false;
                        currentStart = -1;
                    }
                    else
                    {
                        currentStart = nextStart;
                    }

                    prevEnd = nextStart = tempEnd = 0;
                }
                else
                {
                    speeches.Add((currentStart, sample));
                    currentStart = -1;
                    prevEnd = nextStart = tempEnd = 0;
                    triggered = false;
                    continue;
                }
            }

            if (probability < negativeThreshold && triggered)
            {
                if (tempEnd == 0)
                {
                    tempEnd = sample;
                }

                if (sample - tempEnd > minSilenceSamplesAtMaxSpeech)
                {
                    prevEnd = tempEnd;
                }

                if (sample - tempEnd < minSilenceSamples)
                {
                    continue;
                }

                if (tempEnd - currentStart > minSpeechSamples)
                {
                    speeches.Add((currentStart, tempEnd));
                }

                currentStart = -1;
                prevEnd = nextStart = tempEnd = 0;
                triggered = false;
            }
        }

        if (currentStart >= 0 && sampleCount - currentStart > minSpeechSamples)
        {
            speeches.Add((currentStart, sampleCount));
        }

        var padded = new SpeechRegion[speeches.Count];
        for (var i = 0; i < speeches.Count; i++)
        {
            var (start, end) = speeches[i];
            if (i == 0)
            {
                start = Math.Max(0, start - speechPadSamples);
            }

            if (i < speeches.Count - 1)
            {
                var silence = speeches[i + 1].Start - end;
                if (silence < 2 * speechPadSamples)
                {
                    end += silence / 2;
                    speeches[i + 1] = (Math.Max(0, speeches[i + 1].Start - silence / 2), speeches[i + 1].End);
                }
                else
                {
                    end = Math.Min(sampleCount, end + speechPadSamples);
                    speeches[i + 1] = (Math.Max(0, speeches[i + 1].Start - speechPadSamples), speeches[i + 1].End);
                }
            }
            else
            {
                end = Math.Min(sampleCount, end + speechPadSamples);
            }

            padded[i] = new SpeechRegion(start / rate, end / rate);
        }

        return padded;
    }
}
