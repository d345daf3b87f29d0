using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LazyLecture.Api.Sharing;

/// <summary>
/// A read-only link to one lecture or a whole course. The token is a capability: whoever holds it reads what it shares,
/// without an account. Only its SHA-256 hash is stored, so the database alone never opens anything.
/// </summary>
public sealed class ShareLink
{
    /// <summary>256 random bits (the issue asks for at least 128), base64url: 43 characters.</summary>
    public const int TokenBytes = 32;

    public int Id { get; private set; }

    public required int OwnerId { get; init; }

    public required byte[] TokenHash { get; init; }

    /// <summary>Exactly one of <see cref="TranscriptionId"/> and <see cref="CourseId"/> is set.</summary>
    public int? TranscriptionId { get; init; }

    public int? CourseId { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public DateTimeOffset CreateDate { get; private set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? LastUsedAt { get; private set; }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;

    /// <summary>A new random token: what the owner hands out (never stored).</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    /// <summary>The SHA-256 of the token's text, the only form in which it is stored and looked up.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}

internal sealed class ShareLinkConfiguration : IEntityTypeConfiguration<ShareLink>
{
    public void Configure(EntityTypeBuilder<ShareLink> builder)
    {
        builder.ToTable("share_links", table => table.HasCheckConstraint("ck_share_links_one_target", "num_nonnulls(transcription_id, course_id) = 1"));
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).UseIdentityAlwaysColumn();
        builder.Property(s => s.TokenHash).HasMaxLength(32);
        builder.HasIndex(s => s.TokenHash).IsUnique();
        builder.HasIndex(s => s.OwnerId);
        builder.HasOne<Users.User>().WithMany().HasForeignKey(s => s.OwnerId).OnDelete(DeleteBehavior.Cascade);
        // A link dies with what it shares.
        builder.HasOne<Transcriptions.Transcription>().WithMany().HasForeignKey(s => s.TranscriptionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Courses.Course>().WithMany().HasForeignKey(s => s.CourseId).OnDelete(DeleteBehavior.Cascade);
    }
}
