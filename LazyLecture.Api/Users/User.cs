using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LazyLecture.Api.Users;

public enum UserRole
{
    User,
    Admin,
}

/// <summary>An account. Its security stamp is in every access token: rotating it (password change, block, logout) voids them all.</summary>
public sealed class User
{
    public int Id { get; private set; }

    public required string Username { get; init; }

    /// <summary>Lower-case username: uniqueness and look-ups ignore case.</summary>
    public string NormalizedUsername { get; private set; } = "";

    public string PasswordHash { get; private set; } = "";

    public bool Active { get; private set; } = true;

    public UserRole Role { get; private set; } = UserRole.User;

    public bool CanInteract { get; private set; }

    public string SecurityStamp { get; private set; } = NewStamp();

    public DateTimeOffset CreateDate { get; private set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset UpdateDate { get; private set; } = DateTimeOffset.UtcNow;

    public static User Create(string username, string passwordHash, UserRole role, bool canInteract) => new User
    {
        Username = username,
        NormalizedUsername = Normalize(username),
        PasswordHash = passwordHash,
        Role = role,
        CanInteract = canInteract,
    };

    public static string Normalize(string username) => username.ToLowerInvariant();

    public void ChangePassword(string passwordHash)
    {
        PasswordHash = passwordHash;
        InvalidateTokens();
    }

    /// <summary>Keeps the password but stores a stronger hash of it (the hasher's format moved on).</summary>
    public void UpgradePasswordHash(string passwordHash)
    {
        PasswordHash = passwordHash;
        Touch();
    }

    public void SetActive(bool active)
    {
        if (Active == active)
        {
            return;
        }

        Active = active;
        if (!active)
        {
            InvalidateTokens();
        }

        Touch();
    }

    public void SetRole(UserRole role)
    {
        if (!Enum.IsDefined(role))
        {
            throw Api.Errors.ValidationFailedException.For("role", "role must be user or admin.");
        }

        Role = role;
        Touch();
    }

    public void SetCanInteract(bool canInteract)
    {
        CanInteract = canInteract;
        Touch();
    }

    /// <summary>Every access token issued so far stops being accepted.</summary>
    public void InvalidateTokens()
    {
        SecurityStamp = NewStamp();
        Touch();
    }

    private void Touch() => UpdateDate = DateTimeOffset.UtcNow;

    public static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).UseIdentityAlwaysColumn();
        builder.Property(u => u.Username).HasMaxLength(64);
        builder.Property(u => u.NormalizedUsername).HasMaxLength(64);
        builder.HasIndex(u => u.NormalizedUsername).IsUnique();
        builder.Property(u => u.PasswordHash).HasMaxLength(200);
        builder.Property(u => u.Role).HasConversion<string>().HasMaxLength(16);
        builder.Property(u => u.SecurityStamp).HasMaxLength(64).IsConcurrencyToken();
        builder.HasIndex(u => u.CreateDate);
    }
}
