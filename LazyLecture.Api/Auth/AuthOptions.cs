using System.ComponentModel.DataAnnotations;
using System.Text;

namespace LazyLecture.Api.Auth;

/// <summary>Signing and lifetimes of tokens (section <c>Jwt</c>). The key comes from configuration only, never from code.</summary>
public sealed class JwtOptions : IValidatableObject
{
    public const string Section = "Jwt";

    /// <summary>HMAC-SHA256 key, at least 256 bits (32 bytes of UTF-8).</summary>
    [Required(ErrorMessage = "Jwt:SigningKey is required (environment Jwt__SigningKey); the AppHost generates one.")]
    public string SigningKey { get; set; } = "";

    [Required]
    public string Issuer { get; set; } = "lazylecture";

    [Required]
    public string Audience { get; set; } = "lazylecture";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    public byte[] SigningKeyBytes => Encoding.UTF8.GetBytes(SigningKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SigningKeyBytes.Length < 32)
        {
            yield return new ValidationResult("Jwt:SigningKey must be at least 256 bits (32 bytes); a shorter key is refused.", [nameof(SigningKey)]);
        }
    }
}

/// <summary>The administrator created on first start (section <c>Admin</c>); the AppHost passes these as secrets.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    public string? Username { get; set; }

    public string? Password { get; set; }
}

public sealed class RegistrationOptions
{
    public const string Section = "Registration";

    /// <summary>New users may upload at once; otherwise (as in the original) an admin grants <c>can_interact</c>.</summary>
    public bool AutoApprove { get; set; }
}

/// <summary>Limits on login, registration and refresh (section <c>RateLimiting:Auth</c>).</summary>
public sealed class AuthRateLimitOptions
{
    public const string Section = "RateLimiting:Auth";

    [Range(1, 100_000)]
    public int PermitsPerIp { get; set; } = 30;

    [Range(1, 100_000)]
    public int PermitsPerUsername { get; set; } = 10;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
