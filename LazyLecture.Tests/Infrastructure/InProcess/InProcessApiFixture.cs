using System.Globalization;
using LazyLecture.Api.Data;
using LazyLecture.Contracts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace LazyLecture.Tests.Infrastructure.InProcess;

/// <summary>
/// The API's rules tier: the API's own Program in the test process (<c>WebApplicationFactory</c>), with the settings the
/// AppHost gives it, against the real PostgreSQL server (its own database, <see cref="InProcessDatabase"/>) and the real
/// RabbitMQ of the suite's shared application. No worker and no web app: for tests of what the API alone decides
/// (accounts, validation, ownership, exports, search, OpenAI request rules), which then need no process start-up of their own.
/// A class fixture: each test class gets its own API instance (rate limits, settings) over the one database.
/// Subclasses change settings (<see cref="Settings"/>), as an operator would with environment variables.
/// </summary>
public class InProcessApiFixture(AppHostFixture shared) : IApiHost, IAsyncLifetime
{
    private readonly string _audioDirectory = Directory.CreateTempSubdirectory("lazylecture-inprocess-audio-").FullName;
    private WebApplicationFactory<LazyLectureDbContext>? _factory;
    private string? _databaseConnectionString;

    /// <summary>The suite's shared application, whose servers this API uses.</summary>
    public AppHostFixture Shared { get; } = shared;

    public string AudioDirectory => _audioDirectory;

    public string DatabaseConnectionString => _databaseConnectionString ?? throw new InvalidOperationException("The in-process API has not started.");

    /// <summary>The same secrets as the shared application's API, so its administrator, tokens and worker key work here too.</summary>
    public string Parameter(string name) => Shared.Parameter(name);

    public List<string> StoredRecordings() => IApiHost.RecordingsIn(AudioDirectory);

    public HttpClient CreateApiClient() => (_factory ?? throw new InvalidOperationException("The in-process API has not started.")).CreateClient();

    /// <summary>This API's settings beyond the AppHost's (configuration keys, as in appsettings.json).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    public async ValueTask InitializeAsync()
    {
        _databaseConnectionString = await InProcessDatabase.EnsureCreatedAsync(Shared);
        var settings = new Dictionary<string, string>
        {
            // What the AppHost passes the API (LazyLecture.AppHost/Program.cs) and what the suite changes (TestApplication).
            [$"ConnectionStrings:{ResourceNames.Database}"] = _databaseConnectionString,
            [$"ConnectionStrings:{ResourceNames.RabbitMq}"] = Shared.App.GetConnectionString(ResourceNames.RabbitMq),
            ["Jwt:SigningKey"] = Parameter(ResourceNames.JwtSigningKey),
            ["Admin:Username"] = Parameter(ResourceNames.AdminUsername),
            ["Admin:Password"] = Parameter(ResourceNames.AdminPassword),
            ["Worker:ApiKey"] = Parameter(ResourceNames.WorkerApiKey),
            ["AudioStore:Directory"] = _audioDirectory,
            ["AllowedHosts"] = "localhost",
            ["Transcriptions:MaxUploadBytes"] = AppHostFixture.MaxUploadBytes.ToString(CultureInfo.InvariantCulture),
            // The test server's requests come from no address; each session's X-Forwarded-For is its client address.
            ["ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8",
            ["ForwardedHeaders:KnownProxies:0"] = "::1",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        _factory = new WebApplicationFactory<LazyLectureDbContext>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production"); // as the AppHost runs it (WebApplicationFactory's default is Development)
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
        using var client = _factory.CreateClient(); // starts the API now, not inside the first test
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        Directory.Delete(_audioDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
