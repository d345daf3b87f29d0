namespace LazyLecture.Worker.Engines.Whisper;

/// <summary>
/// <c>LazyLecture.Worker whisper-model [--Engines:Whisper:Model NAME] [--Engines:Whisper:ModelPath FILE]</c>: the worker's
/// own model provider run once from the command line, so that ./run.sh gets its model from the same catalogue, download,
/// checksum check and cache as the worker. What it does goes to <c>messages</c>, the model's path alone to
/// <c>output</c>. Exit codes: 0 a model is ready, 2 the configuration names none (a missing file, an unknown name),
/// 3 none could be downloaded (offline: the worker falls back to PocketSphinx).
/// <c>LazyLecture.Worker vad-model [--VoiceActivity:ModelPath FILE]</c> does the same for the voice activity model (offline,
/// jobs run without voice activity detection).
/// </summary>
public static class WhisperModelCommand
{
    public const string Name = "whisper-model";

    public const string VoiceActivityName = "vad-model";

    public const int Ready = 0;
    public const int Misconfigured = 2;
    public const int Unavailable = 3;

    public static bool IsRequested(string[] args) => args is [Name or VoiceActivityName, ..];

    /// <param name="arguments">The command's name, then the settings as configuration keys (environment variables count too).</param>
    public static async Task<int> RunAsync(string[] arguments, TextWriter output, TextWriter messages, CancellationToken cancellationToken)
    {
        var voiceActivity = arguments is [VoiceActivityName, ..];
        arguments = arguments[1..];
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(arguments).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            // HttpClient's own request lines would bury the provider's few messages.
            .AddLogging(logging => logging.AddProvider(new MessageLoggerProvider(messages)).AddFilter("System.Net.Http", LogLevel.Warning))
            .AddWhisperModelProvider();
        await using var provider = services.BuildServiceProvider();
        var models = provider.GetRequiredService<WhisperModelProvider>();
        var model = voiceActivity ? await models.ProvideVoiceActivityModelAsync(cancellationToken) : await models.ProvideAsync(cancellationToken);
        if (model.Status == WhisperModelStatus.Ready)
        {
            await output.WriteLineAsync(model.Path);
        }

        return model.Status switch
        {
            WhisperModelStatus.Ready => Ready,
            WhisperModelStatus.Misconfigured => Misconfigured,
            _ => Unavailable,
        };
    }

    /// <summary>A person reads these lines in ./run.sh's output: the message alone, warnings marked.</summary>
    private sealed class MessageLoggerProvider(TextWriter messages) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lock (messages)
                {
                    messages.WriteLine((logLevel >= LogLevel.Warning ? "warning: " : "") + formatter(state, exception));
                }
            }
        }

        public void Dispose()
        {
        }
    }
}
