using System.ComponentModel.DataAnnotations;
using LazyLecture.Api.Auth;
using Xunit;

namespace LazyLecture.Tests.Auth;

public sealed class SigningKeyRuleTests
{
    [Theory]
    [InlineData(31, false)]
    [InlineData(32, true)]
    [InlineData(88, true)]
    public void Signing_keys_under_256_bits_are_refused(int length, bool accepted)
    {
        var options = new JwtOptions { SigningKey = new string('k', length) };

        var errors = new List<ValidationResult>();
        var valid = Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);

        Assert.Equal(accepted, valid);
        if (!accepted)
        {
            Assert.Contains(errors, e => e.ErrorMessage!.Contains("256 bits", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_missing_signing_key_is_refused_with_how_to_set_it()
    {
        var options = new JwtOptions();

        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);

        Assert.Contains(errors, e => e.ErrorMessage!.Contains("Jwt__SigningKey", StringComparison.Ordinal));
    }
}
