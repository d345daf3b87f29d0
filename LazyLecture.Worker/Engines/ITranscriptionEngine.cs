using LazyLecture.Contracts.Jobs;
using Microsoft.Extensions.AI;

namespace LazyLecture.Worker.Engines;

/// <summary>A timed word; seconds from the start of the samples given to the engine, probability 0–1.</summary>
public sealed record EngineWord(double Start, double End, string Text, double Probability);

/// <summary>
/// A piece of transcribed speech; times are seconds from the start of the samples given to the engine, and so is the
/// <see cref="SegmentDecoding.Seek"/> of its <see cref="Decoding"/> (in 10 ms frames). <see cref="Decoding"/> is null when the
/// engine has no decoding statistics.
/// </summary>
public sealed record EngineSegment(double Start, double End, string Text, IReadOnlyList<EngineWord> Words, SegmentDecoding? Decoding = null);

/// <summary>
/// A speech-to-text engine run in process by the worker (Whisper, PocketSphinx). One instance may serve several jobs at
/// once; each call keeps its own state. Every engine is also a standard <see cref="ISpeechToTextClient"/> (see
/// <see cref="SpeechToTextEngine"/>).
/// </summary>
public interface ITranscriptionEngine : ISpeechToTextClient
{
    /// <summary>The configuration name: <c>whisper</c> (with its runtime, e.g. <c>whisper/managed</c>), <c>pocketsphinx</c>.</summary>
    string Name { get; }

    /// <summary>Whether the engine decodes with <see cref="DecodingOptions.Prompt"/> (Whisper does, PocketSphinx cannot).</summary>
    bool TakesPrompt => true;

    /// <summary>
    /// Transcribes one chunk of 16 kHz mono samples, yielding segments (with their words) as they are produced: the Whisper
    /// engines yield each 30 s window's segments as soon as the window is decoded.
    /// </summary>
    /// <param name="progress">Receives the seconds of these samples processed so far.</param>
    IAsyncEnumerable<EngineSegment> TranscribeAsync(ReadOnlyMemory<float> samples, IProgress<double>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// The same with the uploader's decoding choices. An engine that has no such choices (English-only PocketSphinx) uses
    /// its configuration, but refuses a translation rather than return untranslated text.
    /// </summary>
    IAsyncEnumerable<EngineSegment> TranscribeAsync(ReadOnlyMemory<float> samples, DecodingOptions decoding, IProgress<double>? progress, CancellationToken cancellationToken) =>
        decoding.Translate
            ? throw new NotSupportedException($"The {Name} engine cannot translate; a multilingual Whisper model can.")
            : TranscribeAsync(samples, progress, cancellationToken);
}
