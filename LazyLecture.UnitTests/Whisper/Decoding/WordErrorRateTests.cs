using LazyLecture.Whisper.Text;
using Xunit;

namespace LazyLecture.Tests.Whisper.Decoding;

public class WordErrorRateTests
{
    [Fact]
    public void Identical_text_up_to_case_and_punctuation_has_no_errors()
    {
        Assert.Equal(0, WordErrorRate.Compute("And so, my fellow Americans: ask not!", "and so my fellow americans ask not"));
    }

    [Fact]
    public void Apostrophes_inside_words_are_kept()
    {
        Assert.Equal(["don't", "stop", "rock"], WordErrorRate.Normalize("Don't stop 'rock'."));
        Assert.Equal(1.0 / 2, WordErrorRate.Compute("don't go", "dont go"));
    }

    [Fact]
    public void Substitution_insertion_and_deletion_each_count_one()
    {
        Assert.Equal(1.0 / 4, WordErrorRate.Compute("the cat sat down", "the dog sat down"));
        Assert.Equal(1.0 / 4, WordErrorRate.Compute("the cat sat down", "the cat sat right down"));
        Assert.Equal(1.0 / 4, WordErrorRate.Compute("the cat sat down", "the cat down"));
        Assert.Equal(1.0, WordErrorRate.Compute("a b", ""));
    }

    [Fact]
    public void Pooled_rate_sums_errors_and_reference_words_over_files()
    {
        var pooled = WordErrorRate.Pooled([("one two three four", "one two three five"), ("a b", "x y")]);

        Assert.Equal(3.0 / 6, pooled);
    }
}
