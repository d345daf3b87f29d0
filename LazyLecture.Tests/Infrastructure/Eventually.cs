namespace LazyLecture.Tests.Infrastructure;

/// <summary>Polls a condition of a distributed system until it holds or the time is up (then the last observation is reported).</summary>
public static class Eventually
{
    public static async Task<T> MatchesAsync<T>(Func<Task<T>> observe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        T last = default!;
        while (true)
        {
            try
            {
                last = await observe();
                if (condition(last))
                {
                    return last;
                }
            }
            catch (Exception) when (!deadline.IsCancellationRequested)
            {
                // Not there yet (connection refused while a process restarts): observe again.
            }

            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last observed: {last}");
            }

            await Task.Delay(250, CancellationToken.None);
        }
    }
}
