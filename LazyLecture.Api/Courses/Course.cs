using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LazyLecture.Api.Courses;

/// <summary>
/// A user's course: a name, an optional code and term, and a glossary of the course's own words that every job filed in
/// it gets as its Whisper prompt. Lectures (transcriptions) point at it; deleting it unfiles them.
/// </summary>
public sealed class Course
{
    public const int MaxNameLength = 200;

    public const int MaxCodeLength = 50;

    public const int MaxTermLength = 100;

    public int Id { get; private set; }

    public required int OwnerId { get; init; }

    public required string Name { get; set; }

    public string? Code { get; set; }

    public string? Term { get; set; }

    /// <summary>The course's words, in the owner's order (see <see cref="CourseGlossary"/> for the rules).</summary>
    public List<string> Glossary { get; set; } = [];

    public DateTimeOffset CreateDate { get; private set; } = DateTimeOffset.UtcNow;
}

internal sealed class CourseConfiguration : IEntityTypeConfiguration<Course>
{
    public void Configure(EntityTypeBuilder<Course> builder)
    {
        builder.ToTable("courses");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).UseIdentityAlwaysColumn();
        builder.Property(c => c.Name).HasMaxLength(Course.MaxNameLength);
        builder.Property(c => c.Code).HasMaxLength(Course.MaxCodeLength);
        builder.Property(c => c.Term).HasMaxLength(Course.MaxTermLength);
        builder.HasOne<Users.User>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.OwnerId, c.Name });
    }
}
