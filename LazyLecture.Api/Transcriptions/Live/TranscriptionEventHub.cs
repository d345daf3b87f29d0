namespace LazyLecture.Api.Transcriptions.Live;

/// <summary>The PostgreSQL channel on which every change to a transcription row is notified, with the row's id as payload.</summary>
public static class TranscriptionEventChannel
{
    public const string Name = "transcription_events";
}

/// <summary>
/// This replica's open event streams, by transcription id. The listener tells the hub which transcription changed; the
/// hub wakes that transcription's streams, which re-read the database themselves (a notification carries no data).
/// </summary>
public sealed class TranscriptionEventHub
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<TranscriptionSubscription>> _byTranscription = [];

    public TranscriptionSubscription Subscribe(int transcriptionId)
    {
        var subscription = new TranscriptionSubscription(this, transcriptionId);
        lock (_gate)
        {
            if (!_byTranscription.TryGetValue(transcriptionId, out var subscribers))
            {
                _byTranscription[transcriptionId] = subscribers = [];
            }

            subscribers.Add(subscription);
        }

        return subscription;
    }

    public void Publish(int transcriptionId)
    {
        lock (_gate)
        {
            if (_byTranscription.TryGetValue(transcriptionId, out var subscribers))
            {
                subscribers.ForEach(s => s.Signal());
            }
        }
    }

    /// <summary>After the listener (re)connects: notifications sent while it was away are lost, so every stream re-reads.</summary>
    public void PublishAll()
    {
        lock (_gate)
        {
            foreach (var subscribers in _byTranscription.Values)
            {
                subscribers.ForEach(s => s.Signal());
            }
        }
    }

    /// <summary>How many transcriptions have open streams here (the dictionary must shrink back as clients leave).</summary>
    public int FollowedCount
    {
        get
        {
            lock (_gate)
            {
                return _byTranscription.Count;
            }
        }
    }

    internal void Remove(TranscriptionSubscription subscription)
    {
        lock (_gate)
        {
            if (_byTranscription.TryGetValue(subscription.TranscriptionId, out var subscribers)
                && subscribers.Remove(subscription) && subscribers.Count == 0)
            {
                _byTranscription.Remove(subscription.TranscriptionId);
            }
        }
    }
}

/// <summary>One stream's interest in one transcription: a coalescing wake-up signal (many changes, one re-read).</summary>
public sealed class TranscriptionSubscription(TranscriptionEventHub hub, int transcriptionId) : IDisposable
{
    private readonly SemaphoreSlim _changed = new(0, 1);

    public int TranscriptionId { get; } = transcriptionId;

    /// <summary>True when a change was signalled, false when the timeout passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _changed.WaitAsync(timeout, cancellationToken);

    internal void Signal()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the pending re-read will see this change too.
        }
    }

    public void Dispose() => hub.Remove(this);
}
