using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using LazyLecture.Contracts;
using Xunit;

[assembly: AssemblyFixture(typeof(LazyLecture.Tests.Infrastructure.AppHostFixture))]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace LazyLecture.Tests.Infrastructure;

/// <summary>
/// The whole application (PostgreSQL, RabbitMQ, migrations, API, worker), started once for the test assembly from the
/// AppHost with Aspire.Hosting.Testing: a throw-away state folder, random ports, real processes run by DCP.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime, IApiHost
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    /// <summary>An upload cap small enough to exceed in a test.</summary>
    public const long MaxUploadBytes = 16 * 1024 * 1024;

    private TestApplication? _application;

    public DistributedApplication App => Application.App;

    public TestApplication Application => _application ?? throw new InvalidOperationException("The application has not started.");

    /// <summary>Where the API keeps uploaded recordings in this application.</summary>
    public string AudioDirectory => Application.AudioDirectory;

    /// <summary>The names of the recordings in the audio store: its committed uploads, not the staging area.</summary>
    public List<string> StoredRecordings() => IApiHost.RecordingsIn(AudioDirectory);

    public HttpClient CreateApiClient() => App.CreateHttpClient(ResourceNames.Api);

    public string DatabaseConnectionString => App.GetConnectionString(ResourceNames.Database);

    public string Parameter(string name) => App.GetParameterValue(name);

    public async ValueTask InitializeAsync() => _application = await TestApplication.StartAsync("shared");

    /// <summary>Points this fixture at an application started elsewhere (a test class's own instance).</summary>
    public void Use(TestApplication application) => _application = application;

    public async ValueTask DisposeAsync()
    {
        if (_application is not null)
        {
            await _application.DisposeAsync();
        }
    }
}
