namespace LazyLecture.Hosting.Runtime;

/// <summary>
/// Every resource's output, each line prefixed with the resource's name: to the console (when running for a person),
/// to a file per resource in the state folder, and to a short in-memory tail for the dashboard and for test failures.
/// </summary>
public sealed class ResourceLog(bool toConsole, string directory)
{
    private const int TailLines = 300;
    private static readonly ConsoleColor[] Palette =
        [ConsoleColor.Cyan, ConsoleColor.Magenta, ConsoleColor.Yellow, ConsoleColor.Green, ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkYellow];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<string>> _tails = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StreamWriter> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConsoleColor> _colors = new(StringComparer.Ordinal);

    public void Write(string source, string line)
    {
        var stamped = $"{DateTime.Now:HH:mm:ss.fff} {line}";
        lock (_gate)
        {
            if (!_tails.TryGetValue(source, out var tail))
            {
                _tails[source] = tail = new Queue<string>();
                _colors[source] = Palette[_colors.Count % Palette.Length];
                Directory.CreateDirectory(directory);
                _files[source] = new StreamWriter(Path.Combine(directory, source + ".log"), append: true) { AutoFlush = true };
            }

            tail.Enqueue(stamped);
            if (tail.Count > TailLines)
            {
                tail.Dequeue();
            }

            if (_files.TryGetValue(source, out var file))
            {
                file.WriteLine(stamped);
            }

            if (toConsole)
            {
                var previous = Console.ForegroundColor;
                Console.ForegroundColor = _colors[source];
                Console.Write($"{source,-10}| ");
                Console.ForegroundColor = previous;
                Console.WriteLine(line);
            }
        }
    }

    /// <summary>The last lines a resource printed (newest last).</summary>
    public IReadOnlyList<string> Tail(string source)
    {
        lock (_gate)
        {
            return _tails.TryGetValue(source, out var tail) ? [.. tail] : [];
        }
    }

    public IReadOnlyCollection<string> Sources
    {
        get
        {
            lock (_gate)
            {
                return [.. _tails.Keys];
            }
        }
    }

    internal void Close()
    {
        lock (_gate)
        {
            foreach (var file in _files.Values)
            {
                file.Dispose();
            }

            _files.Clear();
        }
    }
}
