using LazyLecture.Api.Transcriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LazyLecture.Api.Chapters;

/// <summary>
/// A topic of a transcript, from its start (a segment's start, seconds from the start of the recording) to the next
/// chapter's. <see cref="Edited"/>: its owner renamed, moved, merged or split it, so recomputing keeps it as it is.
/// </summary>
public sealed class TranscriptionChapter
{
    public long Id { get; private set; }

    public required int TranscriptionId { get; init; }

    public required double StartSecs { get; set; }

    public required string Title { get; set; }

    public bool Edited { get; set; }
}

internal sealed class TranscriptionChapterConfiguration : IEntityTypeConfiguration<TranscriptionChapter>
{
    public void Configure(EntityTypeBuilder<TranscriptionChapter> builder)
    {
        builder.ToTable("transcription_chapters");
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => new { c.TranscriptionId, c.StartSecs }).IsUnique();
        builder.Property(c => c.Title).HasMaxLength(LectureChapters.MaxTitleLength);
        builder.HasOne<Transcription>().WithMany().HasForeignKey(c => c.TranscriptionId).OnDelete(DeleteBehavior.Cascade);
    }
}
