using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using LazyLecture.Contracts.Jobs;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Transcription;

namespace LazyLecture.Worker.Engines.Whisper;

/// <summary>
/// LazyLecture.Whisper in process. The loaded model (read-only, memory-mapped) is shared by every job; each call gets a
/// transcriber (encoder and decoder state) of its own for as long as it runs.
/// </summary>
// ITranscriptionEngine listed again: this class, not its base, implements the decoding-options overload.
public sealed class WhisperEngine(WhisperModel model, WhisperEngineOptions options, string modelId) : SpeechToTextEngine, ITranscriptionEngine
{
    public const string EngineName = "whisper";
    public const string RuntimeName = "managed";

    // Transcribers between calls, by the decoding choices they were built with: their buffers (tens of MB) serve the next
    // chunk instead of being allocated again and left to the garbage collector. There are never more than the calls that
    // ran at the same time with the same choices.
    private readonly ConcurrentDictionary<WhisperOptions, ConcurrentBag<WhisperTranscriber>> _idle = [];

    public override string Name => $"{EngineName} ({RuntimeName})";

    protected override string ModelId => modelId;

    public override IAsyncEnumerable<EngineSegment> TranscribeAsync(ReadOnlyMemory<float> samples, string? language, IProgress<double>? progress, CancellationToken cancellationToken) =>
        TranscribeAsync(samples, DecodingOptions.Default with { Language = language }, progress, cancellationToken);

    /// <summary>A chunk with the uploader's decoding choices (language, prompt, temperature, translation), over the configuration.</summary>
    public async IAsyncEnumerable<EngineSegment> TranscribeAsync(ReadOnlyMemory<float> samples, DecodingOptions decoding, IProgress<double>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (decoding.Translate && !model.IsMultilingual)
        {
            throw new NotSupportedException("This Whisper model knows English only and cannot translate.");
        }

        var configured = options.ToManagedOptions();
        var whisperOptions = configured with
        {
            Language = decoding.Language ?? configured.Language,
            Temperature = decoding.Temperature ?? configured.Temperature,
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
            // the prompt goes with the call, not the options: the idle transcribers are kept by options
            await foreach (var segment in transcriber.TranscribeAsync(samples, windows, cancellationToken, decoding.Prompt))
            {
                yield return new EngineSegment(segment.Start, segment.End, segment.Text.Trim(),
                    [.. segment.Words.Select(w => new EngineWord(w.Start, w.End, w.Text, w.Probability))],
                    segment.Window is { } window
                        ? new SegmentDecoding(segment.DecodedTokens, window.Seek, window.Temperature, window.AverageLogProbability, window.CompressionRatio, window.NoSpeechProbability)
                        : null);
            }
        }
        finally
        {
            // Reusable after a cancellation or failure too: the next transcription resets all per-run state.
            idle.Add(transcriber);
        }
    }

    protected override void Dispose(bool disposing)
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
