using System.Security.Cryptography;

namespace LazyLecture.Hosting;

/// <summary>Strong values for secrets nobody configured.</summary>
public static class GeneratedSecrets
{
    /// <summary>96 random bits, plus one character of each class the password rules require (upper, lower, digit, special).</summary>
    public static string Password() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant() + "Zz9!";

    /// <summary>A 512-bit HMAC key as text (the API refuses keys under 256 bits).</summary>
    public static string SigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
}
