using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using LazyLecture.Whisper;
using LazyLecture.Whisper.Transcription;

namespace LazyLecture.Worker.Engines.Whisper;

/// <summary>
/// LazyLecture.Whisper in process. The loaded model (read-only, memory-mapped) is shared by every job; each call gets a
/// transcriber (encoder and decoder state) of its own for as long as it runs.
/// </summary>
public sealed class WhisperEngine(WhisperModel model, WhisperEngineOptions options, string modelId) : SpeechToTextEngine
{
    public const string EngineName = "whisper";
    public const string RuntimeName = "managed";

    // Transcribers between calls: their buffers (tens of MB) serve the next chunk instead of being allocated again and
    // left to the garbage collector. There are never more than the calls that ran at the same time.
    private readonly ConcurrentBag<WhisperTranscriber> _idle = [];

    public override string Name => $"{EngineName} ({RuntimeName})";

    protected override string ModelId => modelId;

    public override async IAsyncEnumerable<EngineSegment> TranscribeAsync(ReadOnlyMemory<float> samples, string? language, IProgress<double>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Pooled transcribers speak the configured language; another one for a call gets a transcriber of its own.
        var pooled = language is null || language.Equals(options.Language, StringComparison.OrdinalIgnoreCase);
        if (!pooled || !_idle.TryTake(out var transcriber))
        {
            transcriber = new WhisperTranscriber(model, options.ToManagedOptions() with { Language = pooled ? options.Language : language! });
        }

        try
        {
            var windows = progress is null ? null : new Progress<TranscriptionProgress>(p => progress.Report(p.ProcessedSeconds));
            await foreach (var segment in transcriber.TranscribeAsync(samples, windows, cancellationToken))
            {
                yield return new EngineSegment(segment.Start, segment.End, segment.Text.Trim(),
                    [.. segment.Words.Select(w => new EngineWord(w.Start, w.End, w.Text, w.Probability))]);
            }
        }
        finally
        {
            // Reusable after a cancellation or failure too: the next transcription resets all per-run state.
            if (pooled)
            {
                _idle.Add(transcriber);
            }
            else
            {
                transcriber.Dispose();
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        while (_idle.TryTake(out var transcriber))
        {
            transcriber.Dispose();
        }

        model.Dispose();
    }
}
