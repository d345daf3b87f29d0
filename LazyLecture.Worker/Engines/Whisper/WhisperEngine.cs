using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using LazyLecture.Contracts.Jobs;
using LazyLecture.Whisper;
using LazyLecture.Whisper.Transcription;

namespace LazyLecture.Worker.Engines.Whisper;

/// <summary>
/// LazyLecture.Whisper in process. The loaded model (read-only, memory-mapped) is shared by every job; each call gets a
/// transcriber (encoder and decoder state) of its own for as long as it runs.
/// </summary>
public sealed class WhisperEngine(WhisperModel model, WhisperEngineOptions options) : ITranscriptionEngine, IDisposable
{
    public const string EngineName = "whisper";

    // Transcribers between calls, by the decoding choices they were built with: their buffers (tens of MB) serve the next
    // chunk instead of being allocated again and left to the garbage collector. There are never more than the calls that
    // ran at the same time with the same choices.
    private readonly ConcurrentDictionary<WhisperOptions, ConcurrentBag<WhisperTranscriber>> _idle = [];

    public string Name => EngineName;

    public IAsyncEnumerable<EngineSegment> TranscribeAsync(ReadOnlyMemory<float> samples, IProgress<double>? progress, CancellationToken cancellationToken) =>
        TranscribeAsync(samples, DecodingOptions.Default, progress, cancellationToken);

    public async IAsyncEnumerable<EngineSegment> TranscribeAsync(ReadOnlyMemory<float> samples, DecodingOptions decoding, IProgress<double>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (decoding.Translate && !model.IsMultilingual)
        {
            throw new NotSupportedException("This Whisper model knows English only and cannot translate.");
        }

        // The prompt is not applied: the engine has no text encoder to turn it into tokens (it decodes, it does not encode).
        var whisperOptions = new WhisperOptions
        {
            Threads = Math.Max(1, options.Threads),
            Language = decoding.Language ?? options.Language,
            NoFallback = options.NoFallback,
            Temperature = decoding.Temperature ?? 0f,
            Translate = decoding.Translate,
        };
        var idle = _idle.GetOrAdd(whisperOptions, _ => []);
        if (!idle.TryTake(out var transcriber))
        {
            transcriber = new WhisperTranscriber(model, whisperOptions);
        }

        try
        {
            var windows = progress is null ? null : new Progress<TranscriptionProgress>(p => progress.Report(p.ProcessedSeconds));
            await foreach (var segment in transcriber.TranscribeAsync(samples, windows, cancellationToken))
            {
                yield return new EngineSegment(segment.Start, segment.End, segment.Text.Trim());
            }
        }
        finally
        {
            // Reusable after a cancellation or failure too: the next transcription resets all per-run state.
            idle.Add(transcriber);
        }
    }

    public void Dispose()
    {
        foreach (var idle in _idle.Values)
        {
            while (idle.TryTake(out var transcriber))
            {
                transcriber.Dispose();
            }
        }

        model.Dispose();
    }
}
