using System.Threading.RateLimiting;
using LazyLecture.Api.Errors;

namespace LazyLecture.Api.Transcriptions.Live;

/// <summary>
/// Caps the event streams one user holds open on this replica: each stream holds a connection and wakes on its
/// transcription's changes, so an unbounded number per user would let one account tie up the server.
/// </summary>
public sealed class LiveStreamQuota : IDisposable
{
    public const int MaxStreamsPerUser = 10;

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    private readonly PartitionedRateLimiter<int> _limiter = PartitionedRateLimiter.Create<int, int>(userId =>
        RateLimitPartition.GetConcurrencyLimiter(userId, _ => new ConcurrencyLimiterOptions { PermitLimit = MaxStreamsPerUser, QueueLimit = 0 }));

    /// <summary>Takes one of the user's stream slots until the returned lease is disposed; 429 when all are taken.</summary>
    public IDisposable Acquire(int userId)
    {
        var lease = _limiter.AttemptAcquire(userId);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new TooManyRequestsException(RetryAfter, $"At most {MaxStreamsPerUser} event streams may be open at once; close one first.");
        }

        return lease;
    }

    public void Dispose() => _limiter.Dispose();
}
