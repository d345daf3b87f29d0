using LazyLecture.Api.ApiKeys;
using LazyLecture.Api.Auth;
using LazyLecture.Api.Courses;
using LazyLecture.Api.Outbox;
using LazyLecture.Api.Sharing;
using LazyLecture.Api.Transcriptions;
using LazyLecture.Api.Users;
using Microsoft.EntityFrameworkCore;

namespace LazyLecture.Api.Data;

/// <summary>The API owns the schema; each feature contributes its entities' configuration.</summary>
public sealed class LazyLectureDbContext(DbContextOptions<LazyLectureDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<Transcription> Transcriptions => Set<Transcription>();

    public DbSet<TranscriptionChunk> TranscriptionChunks => Set<TranscriptionChunk>();

    public DbSet<TranscriptionSegment> TranscriptionSegments => Set<TranscriptionSegment>();

    public DbSet<TranscriptionPartial> TranscriptionPartials => Set<TranscriptionPartial>();

    public DbSet<Course> Courses => Set<Course>();

    public DbSet<ShareLink> ShareLinks => Set<ShareLink>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(LazyLectureDbContext).Assembly);
}
