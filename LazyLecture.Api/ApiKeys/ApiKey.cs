using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LazyLecture.Api.ApiKeys;

/// <summary>
/// A personal API key: a long-lived credential for scripts and SDKs. Only its SHA-256 hash is stored (the key is 256 random
/// bits, so a fast hash is as safe as a slow one); the visible prefix lets its owner recognise it in a list.
/// </summary>
public sealed class ApiKey
{
    /// <summary>Every key starts with this, so the authentication handler can tell a key from a JWT without a database query.</summary>
    public const string Marker = "llk_";

    /// <summary>The marker and the first characters of the random part: shown in lists, never enough to use the key.</summary>
    public const int PrefixLength = 12;

    public const int MaxNameLength = 100;

    public long Id { get; private set; }

    public required int UserId { get; init; }

    public required string Name { get; init; }

    public required string Prefix { get; init; }

    public required string KeyHash { get; init; }

    public DateTimeOffset CreatedAt { get; private set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? LastUsedAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    /// <summary>A new key for the user, with its plain text (returned to the caller once, never stored).</summary>
    public static (ApiKey Key, string PlainText) Create(int userId, string name)
    {
        var plainText = Marker + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (new ApiKey { UserId = userId, Name = name, Prefix = plainText[..PrefixLength], KeyHash = Hash(plainText) }, plainText);
    }

    public static string Hash(string plainText) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(plainText)));

    public static bool LooksLikeKey(string? credential) => credential is not null && credential.StartsWith(Marker, StringComparison.Ordinal);
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).UseIdentityAlwaysColumn();
        builder.Property(k => k.Name).HasMaxLength(ApiKey.MaxNameLength);
        builder.Property(k => k.Prefix).HasMaxLength(ApiKey.PrefixLength);
        builder.Property(k => k.KeyHash).HasMaxLength(64);
        builder.HasIndex(k => k.KeyHash).IsUnique();
        builder.HasIndex(k => k.UserId);
        builder.HasOne<Users.User>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
