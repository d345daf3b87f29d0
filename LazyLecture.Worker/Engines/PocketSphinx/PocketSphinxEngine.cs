using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace LazyLecture.Worker.Engines.PocketSphinx;

/// <summary>
/// Offline speech recognition with Debian's PocketSphinx library and its en-us model (no model download), decoded the way
/// <c>pocketsphinx_continuous</c> does (same settings, same 2048-sample reads): the library's voice activity detector
/// splits the audio into utterances, each decoded in three passes, its words grouped into segments. The differences are a
/// short lead-in of silence before the samples (<see cref="PocketSphinxOptions.LeadInSecs"/>) and a cepstral mean settled
/// on the samples' first seconds before decoding (<see cref="PocketSphinxOptions.CepstralMeanWarmUpSecs"/>).
/// </summary>
/// <remarks>
/// Thread safety: the native decoder is not thread-safe, so every call creates its own decoder (about 0.3 s of model
/// loading, small beside decoding up to 15 minutes of audio) on a dedicated thread and frees it when the call ends;
/// concurrent calls share nothing native. A pool would save the load time but needs the decoder's stream state reset
/// between jobs, and a decoder spoilt by a failed call would poison later ones.
/// </remarks>
public sealed class PocketSphinxEngine : SpeechToTextEngine, ITranscriptionEngine
{
    /// <summary>A statistical language model has no place for a prompt; the job detail says it was not used.</summary>
    public bool TakesPrompt => false;

    /// <summary>Samples given to the library at a time: pocketsphinx_continuous's 2048 (128 ms), so utterances split at the same points.</summary>
    private const int BlockSamples = 2048;

    /// <summary>Progress is reported about once per second of audio.</summary>
    private const int ProgressSamples = PocketSphinxDecoder.SampleRate;

    private readonly PocketSphinxOptions _options;
    private readonly PocketSphinxSegmenter _segmenter;
    private readonly int _leadInFrames;
    private readonly int _warmUpSamples;
    private readonly CancellationTokenSource _lifetime = new();

    public PocketSphinxEngine(IOptions<PocketSphinxOptions> options)
    {
        _options = options.Value;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxSegmentWords, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.MaxSegmentSecs, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.SegmentPauseSecs, 0);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.LeadInSecs);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.CepstralMeanWarmUpSecs);
        _segmenter = new PocketSphinxSegmenter(_options);
        _leadInFrames = (int)Math.Round(_options.LeadInSecs * PocketSphinxDecoder.FramesPerSecond);
        _warmUpSamples = (int)Math.Round(_options.CepstralMeanWarmUpSecs * PocketSphinxDecoder.SampleRate);
    }

    public override string Name => "pocketsphinx";

    protected override string ModelId => "en-us";

    public override async IAsyncEnumerable<EngineSegment> TranscribeAsync(
        ReadOnlyMemory<float> samples, string? language, IProgress<double>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (language is not null && !language.StartsWith("en", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"PocketSphinx has only its English model; it cannot transcribe '{language}'.", nameof(language));
        }

        ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (samples.IsEmpty)
        {
            progress?.Report(0);
            yield break;
        }

        // Stops the decoding thread when the caller cancels, stops enumerating early, or the engine is disposed.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var segments = Channel.CreateUnbounded<EngineSegment>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var decoding = Task.Factory.StartNew(
            () => Decode(samples, progress, segments.Writer, stop.Token),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await foreach (var segment in segments.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return segment;
            }

            await RethrowFailureAsync(decoding, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stop.Cancel();
            // The native decoder is freed on the decoding thread: wait for it so nothing outlives the call.
            await decoding.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Stops the transcriptions still running (their callers see an <see cref="ObjectDisposedException"/>).</summary>
    protected override void Dispose(bool disposing)
    {
        if (!_lifetime.IsCancellationRequested)
        {
            _lifetime.Cancel();
        }
    }

    private async Task RethrowFailureAsync(Task decoding, CancellationToken cancellationToken)
    {
        try
        {
            await decoding.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _lifetime.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(PocketSphinxEngine), "The engine was disposed during the transcription.");
        }
        catch (OperationCanceledException exception) when (cancellationToken.IsCancellationRequested)
        {
            // Report the caller's token, not the linked one it never saw.
            throw new OperationCanceledException(exception.Message, exception, cancellationToken);
        }
    }

    /// <summary>Runs on the dedicated decoding thread: blocking native calls from model loading to the last utterance.</summary>
    private void Decode(ReadOnlyMemory<float> samples, IProgress<double>? progress, ChannelWriter<EngineSegment> output, CancellationToken stop)
    {
        try
        {
            stop.ThrowIfCancellationRequested();
            var audioSecs = samples.Length / (double)PocketSphinxDecoder.SampleRate;
            var leadInSamples = _leadInFrames * (PocketSphinxDecoder.SampleRate / PocketSphinxDecoder.FramesPerSecond);
            var streamLength = leadInSamples + samples.Length;
            using var decoder = PocketSphinxDecoder.Create(_options);
            var block = new short[BlockSamples];
            // word frames count from the decoder's first sample: the warm-up's frames come before the lead-in's
            var framesBefore = SettleCepstralMean(decoder, samples.Span, block, stop) + _leadInFrames;
            var utteranceStarted = false;
            var reportedAt = 0;
            decoder.StartUtterance();
            for (var position = 0; position < streamLength; position += BlockSamples)
            {
                stop.ThrowIfCancellationRequested();
                var count = Math.Min(BlockSamples, streamLength - position);
                FillBlock(samples.Span, position - leadInSamples, block.AsSpan(0, count));
                decoder.Process(block.AsSpan(0, count));

                // pocketsphinx_continuous's loop: an utterance ends when the detector leaves speech.
                if (decoder.InSpeech)
                {
                    utteranceStarted = true;
                }
                else if (utteranceStarted)
                {
                    decoder.EndUtterance();
                    Publish(decoder.Words(), framesBefore, audioSecs, output);
                    decoder.StartUtterance();
                    utteranceStarted = false;
                }

                var processed = position + count - leadInSamples;
                if (processed - reportedAt >= ProgressSamples)
                {
                    reportedAt = processed;
                    progress?.Report(processed / (double)PocketSphinxDecoder.SampleRate);
                }
            }

            stop.ThrowIfCancellationRequested();
            decoder.EndUtterance();
            if (utteranceStarted)
            {
                Publish(decoder.Words(), framesBefore, audioSecs, output);
            }

            progress?.Report(audioSecs);
        }
        finally
        {
            output.Complete();
        }
    }

    /// <summary>
    /// Decodes the first <see cref="PocketSphinxOptions.CepstralMeanWarmUpSecs"/> of the samples as an utterance of its own
    /// with the cheap front-end-only search and drops its words: the decoder's cepstral mean is then that of this audio (see
    /// the option), at a twentieth of the cost of decoding it with the language model. Whole frames only, so
    /// the decoder's frame count goes on as if the stream had continued; returns the frames it took.
    /// </summary>
    private int SettleCepstralMean(PocketSphinxDecoder decoder, ReadOnlySpan<float> samples, short[] block, CancellationToken stop)
    {
        const int SamplesPerFrame = PocketSphinxDecoder.SampleRate / PocketSphinxDecoder.FramesPerSecond;
        var length = Math.Min(samples.Length, _warmUpSamples) / SamplesPerFrame * SamplesPerFrame;
        if (length == 0)
        {
            return 0;
        }

        decoder.UseFrontEndOnlySearch();
        decoder.StartUtterance();
        for (var position = 0; position < length; position += BlockSamples)
        {
            stop.ThrowIfCancellationRequested();
            var count = Math.Min(BlockSamples, length - position);
            FillBlock(samples, position, block.AsSpan(0, count));
            decoder.Process(block.AsSpan(0, count));
        }

        decoder.EndUtterance(); // the library updates its cepstral mean from the utterance here
        decoder.UseLanguageModelSearch();
        return length / SamplesPerFrame;
    }

    private void Publish(List<RecognizedWord> words, int framesBefore, double audioSecs, ChannelWriter<EngineSegment> output)
    {
        foreach (var segment in _segmenter.Segments(words, framesBefore, audioSecs))
        {
            // An unbounded channel always accepts until it is completed, which only this thread does.
            output.TryWrite(segment);
        }
    }

    /// <summary>
    /// The block of the decoded stream (lead-in silence, then the samples) starting at <paramref name="sampleIndex"/> of the
    /// samples (negative inside the lead-in), as 16-bit PCM: clipped, the inverse of the usual s16 / 32768 reading, so WAV
    /// input round-trips exactly.
    /// </summary>
    private static void FillBlock(ReadOnlySpan<float> samples, int sampleIndex, Span<short> block)
    {
        for (var i = 0; i < block.Length; i++)
        {
            var index = sampleIndex + i;
            var scaled = index < 0 ? 0f : MathF.Round(samples[index] * 32768f);
            block[i] = float.IsNaN(scaled) ? (short)0 : (short)Math.Clamp(scaled, short.MinValue, short.MaxValue);
        }
    }
}
