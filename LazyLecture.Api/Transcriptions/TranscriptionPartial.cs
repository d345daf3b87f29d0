using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LazyLecture.Api.Transcriptions;

/// <summary>
/// The segments of the chunk a worker is transcribing now, reported after each engine window so a follower sees text long
/// before the chunk is saved. At most one per transcription (a job runs one chunk at a time); replaced by every report and
/// deleted when its chunk is saved. Not part of the transcript: search, export and the segment list read saved chunks only.
/// </summary>
public sealed class TranscriptionPartial
{
    public required int TranscriptionId { get; init; }

    public required int ChunkNo { get; set; }

    /// <summary>The segments so far, as the JSON array of <see cref="SegmentResponse"/> that the event stream sends.</summary>
    public required string Segments { get; set; }

    public DateTimeOffset UpdateDate { get; set; } = DateTimeOffset.UtcNow;
}

internal sealed class TranscriptionPartialConfiguration : IEntityTypeConfiguration<TranscriptionPartial>
{
    public void Configure(EntityTypeBuilder<TranscriptionPartial> builder)
    {
        builder.ToTable("transcription_partials");
        builder.HasKey(p => p.TranscriptionId);
        builder.Property(p => p.Segments).HasColumnType("jsonb");
        builder.HasOne<Transcription>().WithMany().HasForeignKey(p => p.TranscriptionId).OnDelete(DeleteBehavior.Cascade);
    }
}
