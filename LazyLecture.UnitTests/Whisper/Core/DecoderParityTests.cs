using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Nn;
using Xunit;

namespace LazyLecture.Tests.Whisper.Core;

public sealed class DecoderParityTests(ITestOutputHelper output)
{
    private const float Tolerance = 5e-2f;
    private static readonly int[] TeacherTokens = [50257, 50363, 400, 1000, 2000, 30000, 50256];

    [Theory]
    [InlineData("micro")]
    [InlineData("tiny")]
    public void Teacher_forced_logits_from_jfk_audio_match_whisper_cpp(string size)
    {
        using var model = Golden.LoadModel(size);
        var mel = LogMelSpectrogram.Compute(Golden.JfkSamples(), model.MelFilters, threads: 2);
        var encoded = new WhisperEncoder(model, threads: 2).Encode(mel, 0, TestContext.Current.CancellationToken);

        AssertLogitsMatch(model, encoded, Golden.Read($"{size}-jfk.logits.f32"));
    }

    [Theory]
    [InlineData("micro")]
    [InlineData("tiny")]
    public void Teacher_forced_logits_from_the_sine_mel_match_whisper_cpp(string size)
    {
        using var model = Golden.LoadModel(size);
        var encoded = new WhisperEncoder(model, threads: 2).Encode(Golden.SineMel(), 0, TestContext.Current.CancellationToken);

        AssertLogitsMatch(model, encoded, Golden.Read($"{size}-sinemel.logits.f32"));
    }

    [Fact]
    public void Decoding_a_batch_gives_the_logits_of_feeding_its_tokens_one_by_one()
    {
        using var model = Golden.LoadModel("micro");
        var encoded = new WhisperEncoder(model, threads: 2).Encode(Golden.SineMel(), 0, TestContext.Current.CancellationToken);
        var vocab = model.HyperParameters.NVocab;
        using var oneByOne = new WhisperDecoderState(model, threads: 2);
        using var batched = new WhisperDecoderState(model, threads: 1);
        oneByOne.SetEncoderOutput(encoded);
        batched.SetEncoderOutput(encoded);
        var expected = new float[vocab];
        var actual = new float[vocab];

        foreach (var token in TeacherTokens)
        {
            oneByOne.Decode([token], expected);
        }

        batched.Decode(TeacherTokens, actual);

        Assert.Equal(TeacherTokens.Length, batched.PastTokens);
        var diff = Golden.MaxAbsDifference(expected, actual);
        output.WriteLine($"max |batched - one by one| = {diff:E3}");
        // Different summation orders (GEMM vs matrix-vector) can flip an f16 rounding of an activation, hence not 0.
        Assert.True(diff < 2e-2f, $"max abs difference {diff}");
    }

    [Fact]
    public void Batched_prompt_then_single_tokens_match_whisper_cpp_for_tiny()
    {
        using var model = Golden.LoadModel("tiny");
        var encoded = new WhisperEncoder(model, threads: 2).Encode(Golden.SineMel(), 0, TestContext.Current.CancellationToken);
        var golden = Golden.Read("tiny-sinemel.logits.f32");
        var vocab = model.HyperParameters.NVocab;
        using var state = new WhisperDecoderState(model, threads: 2);
        state.SetEncoderOutput(encoded);
        var logits = new float[vocab];

        state.Decode(TeacherTokens.AsSpan(0, 5), logits);
        var atFour = Golden.MaxAbsDifference(golden.AsSpan(4 * vocab, vocab), logits);
        state.Decode(TeacherTokens.AsSpan(5, 1), logits);
        var atFive = Golden.MaxAbsDifference(golden.AsSpan(5 * vocab, vocab), logits);

        output.WriteLine($"max |logits - golden| after the batch {atFour:E3}, after the next token {atFive:E3}");
        Assert.True(Math.Max(atFour, atFive) < Tolerance);
    }

    [Fact]
    public void Rewind_then_decode_reproduces_the_logits_of_the_first_pass()
    {
        using var model = Golden.LoadModel("micro");
        var encoded = new WhisperEncoder(model, threads: 2).Encode(Golden.SineMel(), 0, TestContext.Current.CancellationToken);
        using var state = new WhisperDecoderState(model, threads: 2);
        state.SetEncoderOutput(encoded);
        var first = new float[model.HyperParameters.NVocab];
        var again = new float[model.HyperParameters.NVocab];

        state.Decode(TeacherTokens.AsSpan(0, 3), first);
        state.Decode(TeacherTokens.AsSpan(3, 2), again);
        state.Rewind(2);
        state.Decode(TeacherTokens.AsSpan(2, 1), again);

        Assert.Equal(3, state.PastTokens);
        Assert.Equal(first, again);
    }

    private void AssertLogitsMatch(WhisperModel model, EncoderOutput encoded, float[] expected)
    {
        var vocab = model.HyperParameters.NVocab;
        using var state = new WhisperDecoderState(model, threads: 2);
        state.SetEncoderOutput(encoded);
        var logits = new float[vocab];
        var worst = 0f;
        for (var i = 0; i < TeacherTokens.Length; i++)
        {
            state.Decode([TeacherTokens[i]], logits);
            var reference = expected.AsSpan(i * vocab, vocab);
            var diff = Golden.MaxAbsDifference(reference, logits);
            worst = Math.Max(worst, diff);
            Assert.Equal(ArgMax(reference), ArgMax(logits));
        }

        output.WriteLine($"max |logits - golden| = {worst:E3}");
        Assert.True(worst < Tolerance, $"max abs difference {worst}");
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
