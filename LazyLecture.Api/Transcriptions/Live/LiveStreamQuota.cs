using LazyLecture.Api.Errors;

namespace LazyLecture.Api.Transcriptions.Live;

/// <summary>
/// Caps the event streams one user holds open on this replica: each stream holds a connection and wakes on its
/// transcription's changes, so an unbounded number per user would let one account tie up the server.
/// </summary>
public sealed class LiveStreamQuota
{
    public const int MaxStreamsPerUser = 10;

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<int, int> _openByUser = [];

    /// <summary>Takes one of the user's stream slots until the returned lease is disposed; 429 when all are taken.</summary>
    public IDisposable Acquire(int userId)
    {
        lock (_gate)
        {
            var open = _openByUser.GetValueOrDefault(userId);
            if (open >= MaxStreamsPerUser)
            {
                throw new TooManyRequestsException(RetryAfter, $"At most {MaxStreamsPerUser} event streams may be open at once; close one first.");
            }

            _openByUser[userId] = open + 1;
        }

        return new Lease(this, userId);
    }

    /// <summary>Streams open for the user on this replica.</summary>
    public int OpenStreams(int userId)
    {
        lock (_gate)
        {
            return _openByUser.GetValueOrDefault(userId);
        }
    }

    private void Release(int userId)
    {
        lock (_gate)
        {
            if (--_openByUser[userId] == 0)
            {
                _openByUser.Remove(userId);
            }
        }
    }

    private sealed class Lease(LiveStreamQuota quota, int userId) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                quota.Release(userId);
            }
        }
    }
}
