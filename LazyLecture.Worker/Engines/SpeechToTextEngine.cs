using System.Runtime.CompilerServices;
using LazyLecture.Media.Ffmpeg;
using Microsoft.Extensions.AI;

namespace LazyLecture.Worker.Engines;

/// <summary>
/// What every engine shares: <see cref="ITranscriptionEngine"/> for the worker's decoded chunks, and
/// Microsoft.Extensions.AI's <see cref="ISpeechToTextClient"/> for audio streams (any format ffmpeg reads, decoded to
/// 16 kHz mono). The standard interface's responses carry the engine's segments (with their words) as raw representation:
/// the list of <see cref="EngineSegment"/> for a whole response, one segment per streaming update.
/// <see cref="SpeechToTextOptions.SpeechLanguage"/> chooses the spoken language for one call.
/// </summary>
public abstract class SpeechToTextEngine : ITranscriptionEngine
{
    public abstract string Name { get; }

    /// <summary>The model behind the engine (its file name, or the library's model), reported as the responses' model id.</summary>
    protected abstract string ModelId { get; }

    public IAsyncEnumerable<EngineSegment> TranscribeAsync(ReadOnlyMemory<float> samples, IProgress<double>? progress, CancellationToken cancellationToken) =>
        TranscribeAsync(samples, language: null, progress, cancellationToken);

    /// <param name="language">The spoken language for this call, or null for the engine's configured one.</param>
    public abstract IAsyncEnumerable<EngineSegment> TranscribeAsync(ReadOnlyMemory<float> samples, string? language, IProgress<double>? progress, CancellationToken cancellationToken);

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        var segments = new List<EngineSegment>();
        await foreach (var segment in TranscribeStreamAsync(audioSpeechStream, options, cancellationToken).ConfigureAwait(false))
        {
            segments.Add(segment);
        }

        return new SpeechToTextResponse(string.Join(' ', segments.Select(s => s.Text).Where(t => t.Length > 0)))
        {
            ModelId = ModelId,
            StartTime = segments.Count == 0 ? null : TimeSpan.FromSeconds(segments[0].Start),
            EndTime = segments.Count == 0 ? null : TimeSpan.FromSeconds(segments[^1].End),
            RawRepresentation = segments,
        };
    }

    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var responseId = Guid.NewGuid().ToString("N");
        await foreach (var segment in TranscribeStreamAsync(audioSpeechStream, options, cancellationToken).ConfigureAwait(false))
        {
            yield return new SpeechToTextResponseUpdate(segment.Text)
            {
                Kind = SpeechToTextResponseUpdateKind.TextUpdated,
                ResponseId = responseId,
                ModelId = ModelId,
                StartTime = TimeSpan.FromSeconds(segment.Start),
                EndTime = TimeSpan.FromSeconds(segment.End),
                RawRepresentation = segment,
            };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(SpeechToTextClientMetadata))
        {
            return new SpeechToTextClientMetadata(providerName: "lazylecture-" + Name, defaultModelId: ModelId);
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);

    private async IAsyncEnumerable<EngineSegment> TranscribeStreamAsync(Stream audio, SpeechToTextOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var samples = await FfmpegPcm.DecodeStreamAsync(audio, cancellationToken).ConfigureAwait(false);
        var language = string.IsNullOrWhiteSpace(options?.SpeechLanguage) ? null : options.SpeechLanguage.Trim();
        await foreach (var segment in TranscribeAsync(samples, language, progress: null, cancellationToken).ConfigureAwait(false))
        {
            yield return segment;
        }
    }
}
