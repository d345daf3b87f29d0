using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LazyLecture.Api.Outbox;

/// <summary>
/// A message committed in the same transaction as the change that causes it, published to RabbitMQ afterwards by the
/// dispatcher: a job is never lost when the broker is down, and never published for a rolled-back change.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The RabbitMQ routing key (queue) the message goes to.</summary>
    public required string Destination { get; init; }

    /// <summary>The message body, JSON.</summary>
    public required string Payload { get; init; }

    /// <summary>W3C trace context of the request that wrote it, so the consumer continues the same trace.</summary>
    public string? TraceParent { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? SentAt { get; private set; }

    public int Attempts { get; private set; }

    public void MarkSent(DateTimeOffset at) => SentAt = at;

    public void RecordFailedAttempt() => Attempts++;
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Destination).HasMaxLength(200);
        builder.Property(m => m.Payload).HasColumnType("jsonb");
        builder.Property(m => m.TraceParent).HasMaxLength(100);
        // The dispatcher scans only unsent messages, oldest first.
        builder.HasIndex(m => m.CreatedAt).HasFilter("sent_at IS NULL").HasDatabaseName("ix_outbox_messages_unsent");
    }
}
