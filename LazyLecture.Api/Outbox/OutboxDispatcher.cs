using System.Text;
using LazyLecture.Api.Data;
using LazyLecture.Contracts.Messaging;
using Microsoft.EntityFrameworkCore;
using RabbitMQ.Client;

namespace LazyLecture.Api.Outbox;

/// <summary>
/// Publishes committed outbox messages to RabbitMQ with publisher confirms and marks them sent. While the broker is down,
/// messages wait in the table; they go out, in order, once it is back. Rows are claimed with FOR UPDATE SKIP LOCKED so
/// several API replicas never publish the same message twice at once.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceProvider services,
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 50;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private IChannel? _channel;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // the first connection attempt blocks: keep it off the host's start-up path
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await PublishBatchAsync(stoppingToken);
                failures = 0;
                if (published == BatchSize)
                {
                    continue; // more may be waiting
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                logger.LogWarning("Outbox publishing failed ({Message}); retrying", ex.Message);
                await DropChannelAsync();
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures))), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            await signal.WaitAsync(PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        // Resolved on first use, not in the constructor: Aspire's client integration connects (with its own retries)
        // when the connection is first resolved, and that must never hold up the API's start.
        var connection = services.GetRequiredService<IConnection>();
        if (!connection.IsOpen)
        {
            return 0; // the client library recovers the connection by itself; the rows wait in the table meanwhile
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LazyLectureDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var batch = await db.OutboxMessages
            .FromSql($"SELECT * FROM outbox_messages WHERE sent_at IS NULL ORDER BY created_at LIMIT {BatchSize} FOR UPDATE SKIP LOCKED")
            .ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        var channel = await GetChannelAsync(connection, cancellationToken);
        foreach (var message in batch)
        {
            var properties = new BasicProperties
            {
                Persistent = true,
                MessageId = message.Id.ToString(),
                ContentType = "application/json",
                Timestamp = new AmqpTimestamp(message.CreatedAt.ToUnixTimeSeconds()),
                Headers = message.TraceParent is null ? null : new Dictionary<string, object?> { ["traceparent"] = message.TraceParent },
            };

            // With confirmations tracked, this completes only once the broker has taken the message (and throws on a nack).
            await channel.BasicPublishAsync("", message.Destination, mandatory: true, properties, Encoding.UTF8.GetBytes(message.Payload), cancellationToken);
            message.MarkSent(DateTimeOffset.UtcNow);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Published {Count} outbox message(s)", batch.Count);
        return batch.Count;
    }

    private async Task<IChannel> GetChannelAsync(IConnection connection, CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true })
        {
            return _channel;
        }

        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await channel.DeclareQueueWithDeadLetterAsync(TranscriptionJobQueue.Name, TranscriptionJobQueue.DeadLetterName, cancellationToken);
        _channel = channel;
        return channel;
    }

    private async Task DropChannelAsync()
    {
        if (_channel is not null)
        {
            try
            {
                await _channel.DisposeAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogDebug("Closing a broken channel failed: {Message}", ex.Message);
            }

            _channel = null;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await DropChannelAsync();
    }
}
