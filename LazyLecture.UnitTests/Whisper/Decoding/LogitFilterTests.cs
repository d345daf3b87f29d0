using LazyLecture.Whisper.Decoding;
using Xunit;

namespace LazyLecture.Tests.Whisper.Decoding;

public class LogitFilterTests
{
    private const int Eot = 50256;
    private const int Beg = 50363;

    private static readonly LogitFilter Filter = new(SyntheticVocabulary.English(), new LogitFilterSettings());

    private static TokenDistribution Apply(float[] logits, int[] tokens, bool hasTimestamp = false, int seekDelta = 3000, LogitFilter? filter = null)
    {
        var distribution = SyntheticVocabulary.NewDistribution();
        (filter ?? Filter).Apply(logits, tokens, hasTimestamp, seekDelta, 0f, distribution);
        return distribution;
    }

    [Fact]
    public void First_token_cannot_be_end_of_text_or_a_lone_space()
    {
        var logits = SyntheticVocabulary.NewLogits();
        logits[Eot] = 50f;
        logits[SyntheticVocabulary.Space] = 40f;

        var d = Apply(logits, []);

        Assert.Equal(0f, d.Probabilities[Eot]);
        Assert.Equal(0f, d.Probabilities[SyntheticVocabulary.Space]);
        Assert.NotEqual(Eot, TokenSampler.Best(d, Beg).Id);
    }

    [Fact]
    public void Blank_suppression_only_applies_to_the_first_token()
    {
        var logits = SyntheticVocabulary.NewLogits();
        SyntheticVocabulary.Favour(logits, Eot);

        Assert.Equal(Eot, TokenSampler.Best(Apply(logits, [400]), Beg).Id);
    }

    [Fact]
    public void Task_language_and_other_special_tokens_are_never_sampled()
    {
        var logits = SyntheticVocabulary.NewLogits();
        foreach (var token in new[] { 50257, 50258, 50300, 50357, 50358, 50359, 50360, 50361, 50362 })
        {
            logits[token] = 100f;
        }

        var d = Apply(logits, [400]);

        for (var token = 50257; token <= 50362; token++)
        {
            Assert.Equal(0f, d.Probabilities[token]);
        }
    }

    [Fact]
    public void First_timestamp_is_at_most_one_second()
    {
        var logits = SyntheticVocabulary.NewLogits();
        logits[Beg + 50] = 5f;
        logits[Beg + 51] = 30f;

        var d = Apply(logits, []);

        Assert.True(d.Probabilities[Beg + 50] > 0f);
        Assert.Equal(0f, d.Probabilities[Beg + 51]);
    }

    [Fact]
    public void After_text_and_one_timestamp_only_a_timestamp_or_end_of_text_may_follow()
    {
        var logits = SyntheticVocabulary.NewLogits();
        SyntheticVocabulary.Favour(logits, 400);
        logits[Beg + 100] = 0f;
        logits[Eot] = 1f;

        var d = Apply(logits, [Beg + 10, 400, Beg + 80], hasTimestamp: true, seekDelta: 160);

        Assert.Equal(0f, d.Probabilities[400]);
        Assert.True(d.Probabilities[Beg + 100] > 0f);
        Assert.Equal(Eot, TokenSampler.Best(d, Beg).Id);
    }

    [Fact]
    public void After_a_timestamp_pair_text_must_follow()
    {
        var logits = SyntheticVocabulary.NewLogits();
        SyntheticVocabulary.Favour(logits, Beg + 90, 50f);
        logits[500] = 1f;

        var d = Apply(logits, [Beg, 400, Beg + 80, Beg + 80], hasTimestamp: true, seekDelta: 160);

        for (var t = Beg; t < SyntheticVocabulary.EnglishSize; t++)
        {
            Assert.Equal(0f, d.Probabilities[t]);
        }

        Assert.Equal(500, TokenSampler.Best(d, Beg).Id);
    }

    [Fact]
    public void Timestamps_cannot_go_back_before_the_last_one()
    {
        var logits = SyntheticVocabulary.NewLogits();
        logits.AsSpan(Beg).Fill(1f);

        var d = Apply(logits, [Beg + 20, 400], hasTimestamp: true, seekDelta: 40);

        Assert.Equal(0f, d.Probabilities[Beg + 19]);
        Assert.True(d.Probabilities[Beg + 20] > 0f);
    }

    [Fact]
    public void Many_likely_timestamps_together_outweigh_the_best_text_token()
    {
        // text token p ≈ e^3 / Z; 1501 timestamps each e^0: their sum wins although each is smaller
        var logits = SyntheticVocabulary.NewLogits();
        logits.AsSpan(0, Beg).Fill(-30f);
        logits[400] = 3f;
        logits.AsSpan(Beg).Fill(0f);

        var d = Apply(logits, [500]);

        Assert.Equal(0f, d.Probabilities[400]);
        var token = TokenSampler.Best(d, Beg);
        Assert.True(token.Id >= Beg);
        Assert.Equal(token.Id, token.TimestampId);
    }

    [Fact]
    public void Text_token_remembers_the_likeliest_timestamp_for_segment_starts()
    {
        var logits = SyntheticVocabulary.NewLogits();
        SyntheticVocabulary.Favour(logits, 400);
        logits[Beg + 17] = 0f;

        var token = TokenSampler.Best(Apply(logits, []), Beg);

        Assert.Equal(400, token.Id);
        Assert.Equal(Beg + 17, token.TimestampId);
    }

    [Fact]
    public void No_timestamps_mode_suppresses_every_timestamp()
    {
        var filter = new LogitFilter(SyntheticVocabulary.English(), new LogitFilterSettings { NoTimestamps = true });
        var logits = SyntheticVocabulary.NewLogits();
        SyntheticVocabulary.Favour(logits, Beg + 3, 40f);
        logits[400] = 0f;

        Assert.Equal(400, TokenSampler.Best(Apply(logits, [], filter: filter), Beg).Id);
    }

    [Fact]
    public void Non_speech_suppression_removes_bracket_tokens_when_enabled()
    {
        var tokens = new List<byte[]>();
        for (var i = 0; i < 50257; i++)
        {
            tokens.Add(System.Text.Encoding.UTF8.GetBytes($"t{i}"));
        }

        tokens[58] = "["u8.ToArray();
        var tokenizer = new LazyLecture.Whisper.Text.WhisperTokenizer(51864, tokens);
        var filter = new LogitFilter(tokenizer, new LogitFilterSettings { SuppressNonSpeechTokens = true });
        var logits = SyntheticVocabulary.NewLogits();
        SyntheticVocabulary.Favour(logits, 58);
        logits[400] = 0f;

        Assert.Equal(400, TokenSampler.Best(Apply(logits, [1], filter: filter), Beg).Id);
    }

    [Fact]
    public void Temperature_flattens_the_distribution()
    {
        var logits = SyntheticVocabulary.NewLogits();
        logits.AsSpan().Fill(-100f);
        logits[400] = 2f;
        logits[401] = 0f;
        var cold = SyntheticVocabulary.NewDistribution();
        var hot = SyntheticVocabulary.NewDistribution();

        Filter.Apply(logits, [1], false, 3000, 0f, cold);
        Filter.Apply(logits, [1], false, 3000, 1.0f, hot);
        var warm = SyntheticVocabulary.NewDistribution();
        Filter.Apply(logits, [1], false, 3000, 2.0f, warm);

        Assert.Equal(cold.Probabilities[400], hot.Probabilities[400], 5);
        Assert.True(warm.Probabilities[401] > cold.Probabilities[401]);
    }

    [Fact]
    public void Vectorised_log_softmax_matches_a_plain_one_and_keeps_suppressed_tokens_at_zero()
    {
        var random = new Random(7);
        var logits = new float[5000];
        for (var i = 0; i < logits.Length; i++)
        {
            logits[i] = i % 7 == 0 ? float.NegativeInfinity : (float)(random.NextDouble() * 40 - 20);
        }

        var logProbabilities = new float[logits.Length];
        var probabilities = new float[logits.Length];
        TokenDistribution.ComputeLogProbabilities(logits, logProbabilities, probabilities);
        TokenDistribution.ComputeProbabilities(logProbabilities, probabilities);

        var max = logits.Max();
        var sum = logits.Where(float.IsFinite).Sum(l => Math.Exp(l - max));
        for (var i = 0; i < logits.Length; i++)
        {
            if (float.IsNegativeInfinity(logits[i]))
            {
                Assert.Equal(0f, probabilities[i]);
                Assert.True(float.IsNegativeInfinity(logProbabilities[i]));
            }
            else
            {
                Assert.Equal(logits[i] - max - Math.Log(sum), logProbabilities[i], 1e-4);
                Assert.Equal(Math.Exp(logits[i] - max) / sum, probabilities[i], 1e-6);
            }
        }
    }

    [Fact]
    public void Sampling_draws_tokens_in_proportion_to_probability_and_never_a_suppressed_one()
    {
        var distribution = SyntheticVocabulary.NewDistribution();
        distribution.Probabilities[123] = 0.25f;
        distribution.Probabilities[40000] = 0.75f;
        var random = new Mt19937(42);
        var counts = new Dictionary<int, int>();

        for (var k = 0; k < 4000; k++)
        {
            var id = TokenSampler.Draw(distribution, Beg, random).Id;
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }

        Assert.Equal([123, 40000], counts.Keys.Order());
        Assert.InRange(counts[40000] / 4000.0, 0.72, 0.78);
    }
}
