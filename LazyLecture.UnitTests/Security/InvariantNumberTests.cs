using LazyLecture.Api.Validation;
using Xunit;

namespace LazyLecture.Tests.Security;

/// <summary>How a number in a query or form is read: invariant, no group separators, no spaces, finite.</summary>
public sealed class InvariantNumberTests
{
    [Theory]
    [InlineData("1,5")]
    [InlineData("10,5")]
    [InlineData("1,000")]
    [InlineData(" 15")]
    [InlineData("15 ")]
    [InlineData("1 000")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("0x10")]
    [InlineData("1_000")]
    [InlineData("١٥")]
    [InlineData("")]
    public void A_number_written_otherwise_is_not_a_number(string text)
    {
        Assert.False(InvariantNumbers.IsWellFormed(text, typeof(double)));
        Assert.False(InvariantNumbers.IsWellFormed(text, typeof(int)));
        Assert.False(InvariantNumbers.TryParseReal(text, out _));
    }

    [Theory]
    [InlineData("15", 15)]
    [InlineData("1.5", 1.5)]
    [InlineData("-2", -2)]
    [InlineData("+3", 3)]
    [InlineData("1e3", 1000)]
    [InlineData(".5", 0.5)]
    public void A_plainly_written_real_number_is_read_as_written(string text, double expected)
    {
        Assert.True(InvariantNumbers.TryParseReal(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("2147483648")]
    public void A_whole_number_parameter_takes_digits_only_within_its_range(string text) =>
        Assert.False(InvariantNumbers.IsWellFormed(text, typeof(int)));
}
