using System.Diagnostics;
using System.Text.Json;
using LazyLecture.Api.Data;
using LazyLecture.Contracts;

namespace LazyLecture.Api.Outbox;

/// <summary>Adds messages to the outbox inside the caller's unit of work, and wakes the dispatcher once that work is committed.</summary>
public sealed class OutboxWriter(LazyLectureDbContext db, OutboxSignal signal)
{
    private static readonly JsonSerializerOptions Json = WireJson.Options;

    public void Enqueue<T>(string destination, T message) =>
        db.OutboxMessages.Add(new OutboxMessage
        {
            Destination = destination,
            Payload = JsonSerializer.Serialize(message, Json),
            TraceParent = Activity.Current?.Id,
        });

    /// <summary>Call after the transaction committed: the dispatcher publishes without waiting for its next poll.</summary>
    public void NotifyCommitted() => signal.Notify();
}

/// <summary>A wake-up call from writers to the dispatcher (in this API replica; other replicas find the rows by polling).</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers every message committed before it runs.
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pending.WaitAsync(timeout, cancellationToken);
}
