using System.Security.Cryptography;

namespace LazyLecture.AppHost.Infrastructure;

/// <summary>
/// A generated administrator password that satisfies the API's credential rules, which count only the original service's
/// special characters; Aspire's generator draws from another set (<c>-_.{}~()*+!</c>) and may pick none of ours.
/// </summary>
public sealed class AdministratorPasswordDefault : ParameterDefault
{
    private const string RuleSpecialCharacters = "!@#$%^&*(),.?:{}|<>=_";

    private readonly GenerateParameterDefault _generated = new() { MinLength = 22, Special = false, MinLower = 1, MinUpper = 1, MinNumeric = 1 };

    /// <summary>In a deployment the provisioning tool (azd) generates it, asked for every character class the rules need.</summary>
    public override void WriteToManifest(Aspire.Hosting.Publishing.ManifestPublishingContext context) =>
        new GenerateParameterDefault { MinLength = 22, MinLower = 1, MinUpper = 1, MinNumeric = 1, MinSpecial = 1 }.WriteToManifest(context);

    public override string GetDefaultValue()
    {
        var special = RuleSpecialCharacters[RandomNumberGenerator.GetInt32(RuleSpecialCharacters.Length)];
        var value = _generated.GetDefaultValue();
        return value.Insert(RandomNumberGenerator.GetInt32(value.Length + 1), special.ToString());
    }
}
