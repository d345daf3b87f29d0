using System.Runtime.CompilerServices;
using LazyLecture.Whisper;
using LazyLecture.Whisper.Transcription;

namespace LazyLecture.Worker.Engines.Whisper;

/// <summary>
/// LazyLecture.Whisper in process. The loaded model (read-only, memory-mapped) is shared by every job; each call gets its
/// own transcriber (encoder and decoder state).
/// </summary>
public sealed class WhisperEngine(WhisperModel model, WhisperEngineOptions options) : ITranscriptionEngine, IDisposable
{
    public const string EngineName = "whisper";

    public string Name => EngineName;

    public async IAsyncEnumerable<EngineSegment> TranscribeAsync(ReadOnlyMemory<float> samples, IProgress<double>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var transcriber = new WhisperTranscriber(model, new WhisperOptions { Threads = Math.Max(1, options.Threads), Language = options.Language, NoFallback = options.NoFallback });
        var windows = progress is null ? null : new Progress<TranscriptionProgress>(p => progress.Report(p.ProcessedSeconds));
        await foreach (var segment in transcriber.TranscribeAsync(samples, windows, cancellationToken))
        {
            yield return new EngineSegment(segment.Start, segment.End, segment.Text.Trim());
        }
    }

    public void Dispose() => model.Dispose();
}
