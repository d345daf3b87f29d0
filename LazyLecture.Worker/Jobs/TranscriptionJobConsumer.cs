using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LazyLecture.Contracts.Messaging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace LazyLecture.Worker.Jobs;

/// <summary>
/// A competing consumer of the job queue: manual acknowledgement only once the job's outcome is recorded, bounded prefetch,
/// a DI scope and a trace activity per message (continuing the upload's trace), back-off before a failed job is retried at
/// the tail of the queue, and malformed messages rejected to the dead-letter queue, so no message blocks the queue or
/// crashes the worker.
/// </summary>
public sealed class TranscriptionJobConsumer(
    IServiceProvider services,
    IServiceScopeFactory scopes,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<TranscriptionJobConsumer> logger) : BackgroundService
{
    public static readonly ActivitySource Activities = new("LazyLecture.Worker");

    private IChannel? _channel;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ConsumeJobs)
        {
            logger.LogInformation("Job consumption is off (Worker:ConsumeJobs=false)");
            return;
        }

        var connection = await ConnectAsync(stoppingToken);
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                _channel = await StartConsumingAsync(connection, stoppingToken);
                return;
            }
            catch (OperationInterruptedException ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A broker that waited too long for the handshake (a machine under heavy load) closes the new connection;
                // the client's automatic recovery reopens it, so the channel is set up again rather than ending the worker.
                logger.LogWarning("RabbitMQ closed the connection before consuming began ({Message}); retrying in {Delay}", ex.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
        }
    }

    private async Task<IChannel> StartConsumingAsync(IConnection connection, CancellationToken stoppingToken)
    {
        // Confirms, because a job retried at the tail of the queue is acknowledged only once the broker holds its copy.
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), stoppingToken);
        try
        {
            await channel.DeclareQueueWithDeadLetterAsync(TranscriptionJobQueue.Name, TranscriptionJobQueue.DeadLetterName, stoppingToken);
            await channel.BasicQosAsync(0, options.Value.Prefetch, global: false, stoppingToken);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) => HandleAsync(channel, delivery, stoppingToken);
            await channel.BasicConsumeAsync(TranscriptionJobQueue.Name, autoAck: false, consumer, stoppingToken);
        }
        catch
        {
            await channel.DisposeAsync();
            throw;
        }

        logger.LogInformation("Consuming {Queue} (prefetch {Prefetch})", TranscriptionJobQueue.Name, options.Value.Prefetch);
        return channel;
    }

    /// <summary>
    /// Aspire's client integration opens the connection (retrying a few times) when it is first resolved, and recovers it
    /// by itself once open; a broker still unreachable after those retries is waited for here rather than ending the worker.
    /// </summary>
    private async Task<IConnection> ConnectAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // resolving blocks while connecting: keep it off the host's start-up path
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                return services.GetRequiredService<IConnection>();
            }
            catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or TimeoutException)
            {
                logger.LogWarning("RabbitMQ is not reachable yet ({Message}); retrying in {Delay}", ex.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
        }
    }

    private async Task HandleAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stopping)
    {
        if (!TryParse(delivery.Body.Span, out var job))
        {
            logger.LogWarning("Malformed job message {MessageId} sent to the dead-letter queue", delivery.BasicProperties.MessageId);
            await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false, CancellationToken.None);
            return;
        }

        using var activity = Activities.StartActivity("process transcription job", ActivityKind.Consumer, ParentContext(delivery));
        activity?.SetTag("lazylecture.transcription_id", job.TranscriptionId);
        activity?.SetTag("messaging.rabbitmq.redelivered", delivery.Redelivered);
        if (delivery.BasicProperties.Timestamp.UnixTime > 0 && !delivery.Redelivered)
        {
            metrics.QueueWait.Record(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - delivery.BasicProperties.Timestamp.UnixTime);
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["TranscriptionId"] = job.TranscriptionId });
        JobOutcome outcome;
        try
        {
            await using var services = scopes.CreateAsyncScope();
            outcome = await services.ServiceProvider.GetRequiredService<TranscriptionJobProcessor>().ProcessAsync(job, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down mid-job: the message goes back and the next worker resumes from the first missing chunk.
            await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
            return;
        }
        catch (Exception ex)
        {
            // The API could not be reached to record anything: retry later, never acknowledge on error.
            logger.LogError(ex, "Job {TranscriptionId} could not be processed", job.TranscriptionId);
            outcome = JobOutcome.Retry;
        }

        if (outcome == JobOutcome.Finished)
        {
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
            return;
        }

        var attempt = Attempt(delivery);
        var delay = TimeSpan.FromSeconds(delivery.Redelivered || attempt > 0 ? 10 : 2);
        logger.LogInformation("Job {TranscriptionId} will be retried in {Delay} (attempt {Attempt})", job.TranscriptionId, delay, attempt + 1);
        await Task.Delay(delay, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await RetryAtTailAsync(channel, delivery, job.TranscriptionId, attempt + 1);
    }

    /// <summary>
    /// A job that failed goes to the back of the queue, behind every other user's job. A plain requeue would put it back at
    /// the head, where a job that keeps failing (say, one the API cannot even describe) is taken again and again by every
    /// worker and holds up the whole queue. The copy is confirmed by the broker before the original is acknowledged; a
    /// crash in between leaves two copies, which is harmless because processing is idempotent.
    /// </summary>
    private async Task RetryAtTailAsync(IChannel channel, BasicDeliverEventArgs delivery, int transcriptionId, int attempt)
    {
        try
        {
            var properties = new BasicProperties(delivery.BasicProperties)
            {
                Headers = new Dictionary<string, object?>(delivery.BasicProperties.Headers ?? new Dictionary<string, object?>()) { [AttemptHeader] = attempt },
                Persistent = true,
            };
            await channel.BasicPublishAsync("", TranscriptionJobQueue.Name, mandatory: true, properties, delivery.Body, CancellationToken.None);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // With the channel gone the broker redelivers the original by itself.
            logger.LogWarning("Job {TranscriptionId} could not be re-queued at the tail ({Message}); requeued in place", transcriptionId, ex.Message);
            if (channel.IsOpen)
            {
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
            }
        }
    }

    /// <summary>How many times this job's message was retried at the tail before (0 for a fresh upload).</summary>
    public const string AttemptHeader = "x-lazylecture-attempt";

    private static int Attempt(BasicDeliverEventArgs delivery) =>
        delivery.BasicProperties.Headers?.TryGetValue(AttemptHeader, out var value) == true && value is int attempt ? attempt : 0;

    private static bool TryParse(ReadOnlySpan<byte> body, out TranscriptionJob job)
    {
        job = default!;
        try
        {
            var parsed = JsonSerializer.Deserialize<TranscriptionJob>(body, TranscriptionApiClient.Json);
            if (parsed is not { TranscriptionId: > 0 })
            {
                return false;
            }

            job = parsed;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static ActivityContext ParentContext(BasicDeliverEventArgs delivery) =>
        delivery.BasicProperties.Headers?.TryGetValue("traceparent", out var value) == true
        && value is byte[] bytes
        && ActivityContext.TryParse(Encoding.UTF8.GetString(bytes), null, out var context)
            ? context
            : default;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }
    }
}
