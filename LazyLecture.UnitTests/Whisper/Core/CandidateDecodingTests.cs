using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Decoding;
using LazyLecture.Whisper.Nn;
using LazyLecture.Whisper.Text;
using Xunit;

namespace LazyLecture.Tests.Whisper.Core;

/// <summary>
/// Best-of candidates decoded together (one pass over the weights per step, a KV sequence each) must be exactly the
/// candidates decoded one after another: same logits bit for bit, hence the same samples.
/// </summary>
public sealed class CandidateDecodingTests
{
    private static readonly int[] Prompt = [50257, 50362, 50363]; // a prompt of three special tokens (English-only vocabulary)

    // Past text before the start of transcript: long enough to go through the batched (GEMM) prompt path before the fork.
    private static readonly int[] LongPrompt = [50361, 400, 1000, 2000, 30000, 50257, 50363];

    [Theory]
    [InlineData("micro", 2, false)]
    [InlineData("tiny", 2, false)]
    [InlineData("micro", 1, false)]
    [InlineData("micro", 2, true)]
    public void Candidates_decoded_together_give_each_candidate_the_logits_of_decoding_it_alone(string size, int threads, bool longPrompt)
    {
        var prompt = longPrompt ? LongPrompt : Prompt;
        using var model = Golden.LoadModel(size);
        var vocab = model.HyperParameters.NVocab;
        var mel = LogMelSpectrogram.Compute(Golden.JfkSamples(), model.MelFilters, threads: 2);
        var encoded = new WhisperEncoder(model, threads: 2).Encode(mel, 0, TestContext.Current.CancellationToken);

        // five candidates continue the same prompt with their own tokens; the fourth stops after two steps
        int[][] continuations =
        [
            [400, 1000, 2000, 30000],
            [50364, 11, 12, 13],
            [1000, 1000, 1000, 1000],
            [220, 50256],
            [7, 8, 9, 10],
        ];

        using var together = new WhisperDecoderState(model, threads);
        together.SetEncoderOutput(encoded);
        together.Decode(prompt, new float[vocab]);
        together.ForkPrompt(prompt.Length, continuations.Length);
        var batched = new float[continuations.Length][][];
        for (var j = 0; j < continuations.Length; j++)
        {
            batched[j] = new float[continuations[j].Length][];
        }

        for (var step = 0; step < 4; step++)
        {
            var lanes = Enumerable.Range(0, continuations.Length).Where(j => step < continuations[j].Length).ToArray();
            var tokens = lanes.Select(j => continuations[j][step]).ToArray();
            var logits = new float[lanes.Length * vocab];
            together.DecodeCandidates(tokens, lanes, prompt.Length + step, logits);
            for (var lane = 0; lane < lanes.Length; lane++)
            {
                batched[lanes[lane]][step] = logits.AsSpan(lane * vocab, vocab).ToArray();
            }
        }

        using var alone = new WhisperDecoderState(model, threads);
        alone.SetEncoderOutput(encoded);
        for (var j = 0; j < continuations.Length; j++)
        {
            alone.Rewind(0);
            alone.Decode(prompt, new float[vocab]);
            for (var step = 0; step < continuations[j].Length; step++)
            {
                var expected = new float[vocab];
                alone.Decode([continuations[j][step]], expected);
                Assert.True(expected.AsSpan().SequenceEqual(batched[j][step]), $"candidate {j}, step {step}: max difference {Golden.MaxAbsDifference(expected, batched[j][step]):E3}");
            }
        }
    }

    [Fact]
    public void Beams_handed_to_other_sequences_continue_with_the_logits_of_their_own_history()
    {
        using var model = Golden.LoadModel("micro");
        var vocab = model.HyperParameters.NVocab;
        var encoded = new WhisperEncoder(model, threads: 2).Encode(Golden.SineMel(), 0, TestContext.Current.CancellationToken);
        using var beams = new WhisperDecoderState(model, threads: 2);
        beams.SetEncoderOutput(encoded);
        beams.Decode(Prompt, new float[vocab]);
        beams.ForkPrompt(Prompt.Length, 3);
        var logits = new float[3 * vocab];
        beams.DecodeCandidates([400, 1000, 2000], [0, 1, 2], Prompt.Length, logits);

        // sequence 1's past goes to sequences 0 and 1, sequence 0's to sequence 2 (sequence 2's own past is dropped)
        beams.ReorderSequences([0, 1, 2], [1, 1, 0]);
        beams.DecodeCandidates([11, 12, 13], [0, 1, 2], Prompt.Length + 1, logits);
        beams.ReorderSequences([0, 2], [2, 0]);
        beams.DecodeCandidates([7, 8], [0, 2], Prompt.Length + 2, logits.AsSpan(0, 2 * vocab));

        // sequence 0 now holds 400 13 7, sequence 2 holds 1000 11 8
        int[][] histories = [[400, 13, 7], [1000, 11, 8]];
        using var alone = new WhisperDecoderState(model, threads: 2);
        alone.SetEncoderOutput(encoded);
        for (var lane = 0; lane < 2; lane++)
        {
            alone.Rewind(0);
            alone.Decode(Prompt, new float[vocab]);
            var expected = new float[vocab];
            foreach (var token in histories[lane])
            {
                alone.Decode([token], expected);
            }

            Assert.True(expected.AsSpan().SequenceEqual(logits.AsSpan(lane * vocab, vocab)), $"lane {lane}: max difference {Golden.MaxAbsDifference(expected, logits.AsSpan(lane * vocab, vocab)):E3}");
        }
    }

    [Fact]
    public void A_lane_must_feed_a_distinct_sequence_at_its_length()
    {
        using var model = Golden.LoadModel("micro");
        var vocab = model.HyperParameters.NVocab;
        var encoded = new WhisperEncoder(model, threads: 1).Encode(Golden.SineMel(), 0, TestContext.Current.CancellationToken);
        using var state = new WhisperDecoderState(model, threads: 1);
        state.SetEncoderOutput(encoded);
        state.Decode(Prompt, new float[vocab]);
        state.ForkPrompt(Prompt.Length, 2);
        var logits = new float[2 * vocab];

        Assert.Throws<ArgumentException>(() => state.DecodeCandidates([1, 2], [0, 0], Prompt.Length, logits));
        Assert.Throws<ArgumentException>(() => state.DecodeCandidates([1, 2], [0, 2], Prompt.Length, logits));
        Assert.Throws<ArgumentException>(() => state.DecodeCandidates([1, 2], [0, 1], Prompt.Length + 1, logits));
        state.DecodeCandidates([1, 2], [0, 1], Prompt.Length, logits);
        Assert.Equal(Prompt.Length + 1, state.PastTokens);
    }

    [Theory]
    [InlineData(0.4f)]
    [InlineData(1.0f)]
    public void Best_of_five_sampled_together_equals_the_five_sampled_one_after_another(float temperature)
    {
        using var model = Golden.LoadModel("micro");
        var mel = LogMelSpectrogram.Compute(Golden.JfkSamples(), model.MelFilters, threads: 2);
        var encoded = new WhisperEncoder(model, threads: 2).Encode(mel, 0, TestContext.Current.CancellationToken);
        var tokenizer = new WhisperTokenizer(model.HyperParameters.NVocab, model.TokenBytes);
        var settings = new WindowDecodingSettings { Temperatures = [temperature], BestOf = 5 };
        var prompt = new[] { tokenizer.Special.StartOfTranscript };

        WindowDecodeResult DecodeWith(Func<WhisperDecoderState, IDecoderLogitSource> wrap)
        {
            using var state = new WhisperDecoderState(model, threads: 2);
            state.SetEncoderOutput(encoded);
            var filter = new LogitFilter(tokenizer, new LogitFilterSettings(), model.HyperParameters.NAudioCtx);
            var decoder = new WindowDecoder(tokenizer, filter, settings, model.HyperParameters.NTextCtx);
            return decoder.Decode(wrap(state), prompt, prompt, 0, 1100, TestContext.Current.CancellationToken);
        }

        var together = DecodeWith(state => state);
        var oneAfterAnother = DecodeWith(state => new OneCandidateAtATime(state));

        Assert.True(together.DecodedTokenCount > 5, $"only {together.DecodedTokenCount} tokens decoded");
        Assert.Equal(oneAfterAnother.DecodedTokenCount, together.DecodedTokenCount);
        Assert.Equal(oneAfterAnother.Tokens, together.Tokens);
        Assert.Equal(oneAfterAnother.AverageLogProbability, together.AverageLogProbability);
        Assert.Equal(oneAfterAnother.SeekDelta, together.SeekDelta);
    }

    /// <summary>Hides the state's candidate batching, so the window decoder runs each candidate on its own.</summary>
    private sealed class OneCandidateAtATime(WhisperDecoderState inner) : IDecoderLogitSource
    {
        public int PastTokens => inner.PastTokens;

        public void Rewind(int pastTokens) => inner.Rewind(pastTokens);

        public void Decode(ReadOnlySpan<int> tokens, Span<float> logits) => inner.Decode(tokens, logits);
    }
}
