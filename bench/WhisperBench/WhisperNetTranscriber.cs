using System.Diagnostics;
using LazyLecture.Whisper.Text;
using LazyLecture.Whisper.Transcription;
using Whisper.net;

namespace WhisperBench;

/// <summary>
/// The whispernet engine's decode (Whisper.net, greedy with the same options and token timestamps on, as the worker runs
/// it), timed as a whole; its encoder and decoder are then timed by <see cref="WhisperCppTimer"/> on the same windows and
/// token count, since Whisper.net reports no timings of its own. That timer loads the model a second time, so it starts only
/// after Whisper.net's first decode, and <see cref="PeakRssMegabytes"/> is the process's peak before it: Whisper.net's own.
/// </summary>
internal sealed class WhisperNetTranscriber : IDisposable
{
    private readonly BenchArguments _arguments;
    private readonly WhisperFactory _factory;
    private readonly bool _multilingual;
    private WhisperCppTimer? _timer;

    public WhisperNetTranscriber(BenchArguments arguments, bool multilingual)
    {
        _arguments = arguments;
        _multilingual = multilingual;
        _factory = WhisperFactory.FromPath(arguments.Model);
    }

    /// <summary>The process's peak resident memory through Whisper.net's decodes, before the timer's second copy of the model.</summary>
    public double PeakRssMegabytes { get; private set; }

    public async Task<(List<TranscriptSegment> Segments, TranscriptionStatistics Statistics)> TranscribeAsync(float[] samples, CancellationToken ct)
    {
        var windows = 0;
        var builder = _factory.CreateBuilder()
            .WithThreads(_arguments.Threads)
            .WithTokenTimestamps()
            .WithEncoderBeginHandler(_ =>
            {
                windows++;
                return true;
            });
        var language = _multilingual ? _arguments.Language : "en";
        builder = language == "auto" ? builder.WithLanguageDetection() : builder.WithLanguage(language);
        if (_arguments.NoFallback)
        {
            builder = builder.WithTemperatureInc(0);
        }

        if (_arguments.BeamSize > 1)
        {
            builder = builder.WithBeamSearchSamplingStrategy(beams => beams.WithBeamSize(_arguments.BeamSize));
        }

        var special = WhisperSpecialTokens.ForVocabularySize(_multilingual ? WhisperSpecialTokens.FirstMultilingualVocabularySize : WhisperSpecialTokens.FirstMultilingualVocabularySize - 1);
        var started = Stopwatch.GetTimestamp();
        var segments = new List<TranscriptSegment>();
        var tokens = 0;
        await using (var processor = builder.Build())
        {
            await foreach (var segment in processor.ProcessAsync(samples, ct))
            {
                // every sampled token, timestamps included, is one decoder step
                tokens += segment.Tokens.Length + 1;
                var text = segment.Tokens.Where(t => special.IsText(t.Id)).ToArray();
                segments.Add(new TranscriptSegment(segment.Start.TotalSeconds, segment.End.TotalSeconds, segment.Text,
                    [.. text.Select(t => t.Id)], [.. text.Select(t => t.Probability)], segment.NoSpeechProbability));
            }
        }

        var total = Stopwatch.GetElapsedTime(started);
        if (_timer is null)
        {
            PeakRssMegabytes = Bench.PeakRssMegabytes();
            _timer = new WhisperCppTimer(_arguments.Model);
        }

        var (encode, decode) = _timer.Time(samples, Math.Max(1, windows), tokens, _arguments.Threads);
        return (segments, new TranscriptionStatistics
        {
            EncodeTime = encode,
            Windows = Math.Max(1, windows),
            DecodeTime = decode,
            DecodedTokens = tokens,
            TotalTime = total,
            AudioSeconds = samples.Length / 16000.0,
        });
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _factory.Dispose();
    }
}
