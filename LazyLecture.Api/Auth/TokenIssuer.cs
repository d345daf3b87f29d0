using System.Security.Claims;
using System.Security.Cryptography;
using LazyLecture.Api.Users;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LazyLecture.Api.Auth;

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn)
{
    public string TokenType => "bearer";
}

/// <summary>Mints access tokens (JWT, HS256) and refresh tokens (opaque random, hashed at rest).</summary>
public sealed class TokenIssuer(IOptions<JwtOptions> options, TimeProvider clock)
{
    public const string StampClaim = "stamp";

    private readonly JsonWebTokenHandler _handler = new();

    public string CreateAccessToken(User user)
    {
        var jwt = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + jwt.AccessTokenLifetime,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
                new Claim(StampClaim, user.SecurityStamp),
            ]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(jwt.SigningKeyBytes), SecurityAlgorithms.HmacSha256),
        });
    }

    public int AccessTokenLifetimeSeconds => (int)options.Value.AccessTokenLifetime.TotalSeconds;

    public DateTimeOffset RefreshTokenExpiry => clock.GetUtcNow() + options.Value.RefreshTokenLifetime;

    /// <summary>A new opaque refresh token and the hash under which it is stored.</summary>
    public static (string Token, string Hash) CreateRefreshToken()
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (token, HashRefreshToken(token));
    }

    public static string HashRefreshToken(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    public TokenValidationParameters ValidationParameters()
    {
        var jwt = options.Value;
        return new TokenValidationParameters
        {
            ValidIssuer = jwt.Issuer,
            ValidAudience = jwt.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(jwt.SigningKeyBytes),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            // The API both mints and checks its tokens on one clock: an expired token is refused at once, not 30 s later.
            ClockSkew = TimeSpan.Zero,
            NameClaimType = JwtRegisteredClaimNames.Sub,
        };
    }
}
