using System.Collections.Concurrent;
using System.Diagnostics;

namespace LoadBench;

/// <summary>Every request's kind, latency and outcome, from all clients at once; summarised by kind and overall.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<(string Kind, double Milliseconds)> _latencies = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private long _requests;

    public long Requests => Interlocked.Read(ref _requests);

    public int Errors => _errors.Count;

    public IEnumerable<string> ErrorSamples => _errors.Take(10);

    /// <summary>
    /// Times one request; a failed one (exception, time-out or unexpected status) is counted as an error with its reason.
    /// One cut short by the end of the run (<paramref name="stop"/>) is neither: it rethrows the cancellation.
    /// </summary>
    public async Task<T?> TimeAsync<T>(string kind, CancellationToken stop, Func<Task<T>> request)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await request();
            _latencies.Enqueue((kind, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            Interlocked.Increment(ref _requests);
            return result;
        }
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            Fail(kind, ex.Message);
            return default;
        }
    }

    public void Fail(string kind, string reason)
    {
        _errors.Enqueue($"{kind}: {reason}");
        Interlocked.Increment(ref _requests);
    }

    public Summary Summarise(string? kind = null)
    {
        var sorted = _latencies.Where(l => kind is null || l.Kind == kind).Select(l => l.Milliseconds).Order().ToArray();
        return new Summary(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Length > 0 ? sorted[^1] : 0);
    }

    public IEnumerable<string> Kinds => _latencies.Select(l => l.Kind).Distinct().Order(StringComparer.Ordinal);

    private static double Percentile(double[] sorted, double share) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(share * sorted.Length) - 1)];

    public readonly record struct Summary(int Count, double P50, double P99, double Max);
}

/// <summary>A response other than the one the client needed; counted as an error.</summary>
public sealed class UnexpectedResponseException(string message) : Exception(message)
{
    public static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new UnexpectedResponseException($"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {body[..Math.Min(body.Length, 200)]}");
        }
    }
}
