using LazyLecture.Whisper.Decoding;
using Xunit;

namespace LazyLecture.Tests.Whisper.Decoding;

/// <summary>whisper.cpp samples with std::mt19937 and libstdc++'s generate_canonical: the stream must be the same.</summary>
public class Mt19937Tests
{
    [Fact]
    public void Ten_thousandth_output_for_the_default_seed_is_the_one_the_cpp_standard_requires()
    {
        var random = new Mt19937(5489);
        uint value = 0;
        for (var i = 0; i < 10000; i++)
        {
            value = random.Next();
        }

        Assert.Equal(4123659995u, value); // [rand.predef]: the 10000th invocation of a default-constructed mt19937
    }

    [Fact]
    public void Seeds_zero_and_one_start_as_std_mt19937_does()
    {
        Assert.Equal(2357136044u, new Mt19937(0).Next());
        Assert.Equal(1791095845u, new Mt19937(1).Next());
    }

    [Fact]
    public void Canonical_double_joins_two_outputs_low_word_first()
    {
        var words = new Mt19937(3);
        double low = words.Next();
        double high = words.Next();

        var canonical = new Mt19937(3).NextCanonical();

        Assert.Equal((low + high * 4294967296.0) / 18446744073709551616.0, canonical);
        Assert.InRange(canonical, 0.0, Math.BitDecrement(1.0));
    }
}
