using System.Text.Json;
using LazyLecture.Api.Transcriptions.Review;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NpgsqlTypes;

namespace LazyLecture.Api.Transcriptions;

/// <summary>The text of one <c>chunk_size_secs</c> slice of the recording (its ends moved into pauses, see <see cref="ChunkBounds"/>); unique per (transcription, chunk number) so saves are idempotent.</summary>
public sealed class TranscriptionChunk
{
    public long Id { get; private set; }

    public required int TranscriptionId { get; init; }

    public required int ChunkNo { get; init; }

    public string Text { get; set; } = "";

    /// <summary>Where the chunk really starts and ends (its cuts lie in pauses), seconds from the start of the recording; null for chunks saved before chunks had them.</summary>
    public double? StartSecs { get; set; }

    public double? EndSecs { get; set; }

    public DateTimeOffset CreateDate { get; private set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset UpdateDate { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>A timestamped piece of a chunk (seconds from the start of the recording), for subtitles and full-text search.</summary>
public sealed class TranscriptionSegment
{
    public long Id { get; private set; }

    public required int TranscriptionId { get; init; }

    public required int ChunkNo { get; init; }

    public required int SegmentNo { get; init; }

    public required double StartSecs { get; init; }

    public required double EndSecs { get; init; }

    /// <summary>Set by the worker's save; the owner may correct it afterwards (<see cref="Correct"/>).</summary>
    public required string Text { get; set; }

    /// <summary>Whether the owner confirmed or corrected the segment; a new save by the worker starts unreviewed.</summary>
    public SegmentReview Review { get; private set; }

    /// <summary>The segment's timed words (empty when the engine gave none), kept as one jsonb value: always read and written with the segment.</summary>
    public IReadOnlyList<SegmentWord> Words { get; init; } = [];

    /// <summary>How Whisper decoded the segment (OpenAI's verbose_json statistics), kept as one jsonb value; null when the engine gave none.</summary>
    public SegmentDecoding? Decoding { get; init; }

    /// <summary>The owner's text replaces the engine's: the segment is reviewed, whatever it was before.</summary>
    public void Correct(string text)
    {
        Text = text;
        Review = SegmentReview.Corrected;
    }

    /// <summary>The owner checked the segment and it is right as it is. A corrected segment stays corrected (its correction was its review).</summary>
    public void Confirm()
    {
        if (Review == SegmentReview.Unreviewed)
        {
            Review = SegmentReview.Confirmed;
        }
    }

    /// <summary>
    /// The owner withdraws a confirmation: the segment is unreviewed again. A correction is not withdrawn this way (the
    /// corrected text stays, and so does its review); only another correction changes it.
    /// </summary>
    public void WithdrawConfirmation()
    {
        if (Review == SegmentReview.Confirmed)
        {
            Review = SegmentReview.Unreviewed;
        }
    }

    /// <summary>Computed by PostgreSQL from the text (English configuration), indexed for search.</summary>
    public NpgsqlTsVector? SearchVector { get; private set; }
}

internal sealed class TranscriptionChunkConfiguration : IEntityTypeConfiguration<TranscriptionChunk>
{
    public void Configure(EntityTypeBuilder<TranscriptionChunk> builder)
    {
        builder.ToTable("transcription_chunks");
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => new { c.TranscriptionId, c.ChunkNo }).IsUnique();
        builder.HasOne<Transcription>().WithMany().HasForeignKey(c => c.TranscriptionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TranscriptionSegmentConfiguration : IEntityTypeConfiguration<TranscriptionSegment>
{
    // {start, end, text, probability} and {tokens, avg_logprob, …}: the names the APIs return, so the stored JSON reads the same.
    private static readonly JsonSerializerOptions WordsJson = WireJson.Options;

    public void Configure(EntityTypeBuilder<TranscriptionSegment> builder)
    {
        builder.ToTable("transcription_segments");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => new { s.TranscriptionId, s.ChunkNo, s.SegmentNo }).IsUnique();
        builder.HasOne<Transcription>().WithMany().HasForeignKey(s => s.TranscriptionId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.Words)
            .HasColumnType("jsonb")
            .HasDefaultValueSql("'[]'::jsonb")
            .HasConversion(
                words => JsonSerializer.Serialize(words, WordsJson),
                json => JsonSerializer.Deserialize<List<SegmentWord>>(json, WordsJson) ?? new List<SegmentWord>(),
                new ValueComparer<IReadOnlyList<SegmentWord>>(
                    (a, b) => a!.SequenceEqual(b!),
                    words => words.Aggregate(0, (hash, word) => HashCode.Combine(hash, word)),
                    words => words.ToList()));
        builder.Property(s => s.Decoding)
            .HasColumnType("jsonb")
            .HasConversion(
                decoding => JsonSerializer.Serialize(decoding, WordsJson),
                json => JsonSerializer.Deserialize<SegmentDecoding>(json, WordsJson),
                new ValueComparer<SegmentDecoding?>(
                    (a, b) => JsonSerializer.Serialize(a, WordsJson) == JsonSerializer.Serialize(b, WordsJson),
                    decoding => JsonSerializer.Serialize(decoding, WordsJson).GetHashCode(StringComparison.Ordinal),
                    decoding => decoding));
        builder.Property(s => s.Review)
            .HasConversion(review => review.ToString().ToLowerInvariant(), name => Enum.Parse<SegmentReview>(name, true))
            .HasMaxLength(16);
        builder.HasGeneratedTsVectorColumn(s => s.SearchVector!, "english", s => new { s.Text })
            .HasIndex(s => s.SearchVector)
            .HasMethod("GIN");
    }
}
