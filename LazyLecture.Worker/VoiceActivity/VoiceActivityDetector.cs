using LazyLecture.Worker.Audio;
using LazyLecture.Worker.Engines.Whisper;
using Microsoft.Extensions.Options;

namespace LazyLecture.Worker.VoiceActivity;

/// <summary>
/// Finds a recording's speech with Silero VAD. The model comes from the one model provider when the first job asks; without
/// one (offline, none configured, a file that does not load) this is said once and jobs run without detection, never failing
/// for it. The recording is decoded and read in sections, so memory does not grow with its length.
/// </summary>
public sealed class VoiceActivityDetector(
    WhisperModelProvider models,
    ChunkDecoder decoder,
    IOptions<VoiceActivityOptions> options,
    ILogger<VoiceActivityDetector> logger) : IDisposable
{
    /// <summary>Ten minutes at a time (a whole number of 512-sample windows: 9,600,000 samples = 18,750 windows).</summary>
    private const double SectionSecs = 600;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SileroVadModel? _model;
    private bool _looked;

    /// <summary>The model's file, or null when jobs run without voice activity detection.</summary>
    public async Task<SileroVadModel?> GetModelAsync(CancellationToken cancellationToken)
    {
        if (_looked)
        {
            return _model;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_looked)
            {
                _model = await LoadAsync(cancellationToken);
                _looked = true;
            }

            return _model;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SileroVadModel?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            logger.LogInformation("Voice activity detection is turned off (VoiceActivity:Enabled): jobs run without it");
            return null;
        }

        var location = await models.ProvideVoiceActivityModelAsync(cancellationToken);
        if (location.Path is null)
        {
            logger.LogWarning("No voice activity model: jobs run without voice activity detection (the whole recording is transcribed, chunks end at fixed offsets)");
            return null;
        }

        try
        {
            var model = SileroVadModel.Load(location.Path);
            logger.LogInformation("Voice activity detection: Silero VAD from {Path}", location.Path);
            return model;
        }
        catch (Exception ex) when (ex is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidDataException or IOException)
        {
            logger.LogWarning("The voice activity model {Path} does not load ({Message}): jobs run without voice activity detection", location.Path, ex.Message);
            return null;
        }
    }

    /// <summary>The speech of the recording at <paramref name="audioPath"/>, read in sections with the model's state carried across.</summary>
    public async Task<SpeechMap> DetectAsync(SileroVadModel model, string audioPath, double recordingSecs, SpeechDetectionSettings settings, CancellationToken cancellationToken)
    {
        var probabilities = model.Start();
        for (var start = 0.0; start < recordingSecs; start += SectionSecs)
        {
            var samples = await decoder.DecodeAsync(audioPath, start, Math.Min(SectionSecs, recordingSecs - start), cancellationToken);
            // ONNX Runtime computes on this thread: the engines' own threads are not needed yet
            await Task.Run(() => probabilities.Feed(samples.Span), cancellationToken);
        }

        return SpeechMapOf(probabilities.Finish(), probabilities.SampleCount, recordingSecs, settings);
    }

    /// <summary>Both readings of the probabilities: the regions to transcribe, and the pauses between words (silero's defaults).</summary>
    public static SpeechMap SpeechMapOf(IReadOnlyList<float> probabilities, long sampleCount, double recordingSecs, SpeechDetectionSettings settings)
    {
        var regions = SpeechTimestamps.Find(probabilities, sampleCount, settings);
        var words = SpeechTimestamps.Find(probabilities, sampleCount, settings with
        {
            MinSilenceDurationMs = SpeechDetectionSettings.Silero.MinSilenceDurationMs,
            SpeechPadMs = SpeechDetectionSettings.Silero.SpeechPadMs,
        });
        return new SpeechMap(regions, recordingSecs, words);
    }

    public void Dispose()
    {
        _model?.Dispose();
        _gate.Dispose();
    }
}
