namespace LazyLecture.Whisper.Kernels;

/// <summary>
/// A fixed team of worker threads plus the calling thread that run the items of one job at a time. Workers spin
/// briefly between jobs (decode steps come tens of microseconds apart) and then sleep; dispatching allocates nothing.
/// </summary>
internal sealed class WorkerTeam : IDisposable
{
    private const int SpinIterations = 200;

    private readonly Thread[] _workers;
    private readonly object _gate = new();
    private Action<int>? _body;
    private int _count;
    private long _ticket; // job generation in the high 32 bits, next item in the low 32: claims never cross jobs
    private int _completed;
    private int _generation;
    private int _sleepers;
    private volatile bool _disposed;
    private Exception? _failure;

    public WorkerTeam(int threads)
    {
        Size = Math.Max(1, threads);
        _workers = new Thread[Size - 1];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkLoop) { IsBackground = true, Name = $"whisper-worker-{i + 1}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads taking part, the caller included.</summary>
    public int Size { get; }

    /// <summary>Runs body(0..count-1) across the team and returns when every item is done; rethrows the first failure.</summary>
    public void Run(int count, Action<int> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count <= 0)
        {
            return;
        }

        if (_workers.Length == 0 || count == 1)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        // A worker that comes late for the last job may have read that job's used-up ticket and be about to read the job
        // (body, count) and claim an item. Were this job's body and count already written, its compare-exchange on the
        // old ticket would succeed: it would run an item of this job twice and count it, so Run returned while an item
        // was still running and a decode step read a half-written buffer (a token changed now and then under load).
        // So the ticket is first closed under the new generation (no item to claim: every stale ticket now fails its
        // compare-exchange, and a reader of this one returns), the job is written, and only then is the ticket opened.
        var generation = _generation + 1;
        Interlocked.Exchange(ref _ticket, ((long)generation << 32) | int.MaxValue);
        _body = body;
        _count = count;
        _failure = null;
        Volatile.Write(ref _completed, 0);
        Interlocked.Exchange(ref _ticket, (long)generation << 32);
        Volatile.Write(ref _generation, generation);
        if (Volatile.Read(ref _sleepers) > 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }

        RunItems();
        var spin = new SpinWait();
        while (Volatile.Read(ref _completed) < count)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }

        if (_failure is { } failure)
        {
            throw new AggregateException("A worker failed.", failure);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }

        foreach (var worker in _workers)
        {
            worker.Join();
        }
    }

    private void RunItems()
    {
        // The ticket first, then the job: an open ticket was published after its job was written (see Run), and a
        // claim succeeds only while the ticket read here is still the current one, so body and count belong to it.
        var ticket = Volatile.Read(ref _ticket);
        var generation = ticket >> 32;
        var body = _body;
        var count = _count;
        while (true)
        {
            if (ticket >> 32 != generation || (int)ticket >= count)
            {
                return;
            }

            var seen = Interlocked.CompareExchange(ref _ticket, ticket + 1, ticket);
            if (seen != ticket)
            {
                ticket = seen;
                continue;
            }

            var item = (int)ticket;
            ticket++;
            try
            {
                body!(item);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref _failure, ex, null);
            }

            Interlocked.Increment(ref _completed);
        }
    }

    private void WorkLoop()
    {
        var seen = Volatile.Read(ref _generation);
        while (!_disposed)
        {
            // Spin, then yield the core (SpinWait escalates to Thread.Yield), then sleep: cheap hand-offs on an idle
            // machine without starving the caller when other processes compete for the cores.
            var spinner = new SpinWait();
            while (Volatile.Read(ref _generation) == seen && !_disposed && spinner.Count < SpinIterations)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            if (Volatile.Read(ref _generation) == seen && !_disposed)
            {
                Interlocked.Increment(ref _sleepers);
                lock (_gate)
                {
                    while (Volatile.Read(ref _generation) == seen && !_disposed)
                    {
                        Monitor.Wait(_gate);
                    }
                }

                Interlocked.Decrement(ref _sleepers);
            }

            if (_disposed)
            {
                return;
            }

            seen = Volatile.Read(ref _generation);
            RunItems();
        }
    }
}
