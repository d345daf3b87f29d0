using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Xunit;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>
/// A complete application of a test class's own, started like the suite's shared one with some settings changed
/// (a consuming worker, another engine, more replicas), and disposed with the class.
/// </summary>
public abstract class OwnApplicationFixture : IAsyncLifetime
{
    private TestApplication? _application;

    public DistributedApplication App => Application.App;

    public TestApplication Application => _application ?? throw new InvalidOperationException("The application has not started.");

    /// <summary>Lets the shared session helpers (login, upload, worker calls) talk to this application.</summary>
    public AppHostFixture AsFixture { get; } = new();

    public async ValueTask InitializeAsync()
    {
        _application = await TestApplication.StartAsync(GetType().Name, Configure);
        AsFixture.Use(_application);
    }

    public async ValueTask DisposeAsync()
    {
        if (_application is not null)
        {
            await _application.DisposeAsync();
        }
    }

    /// <summary>Changes this application's resources before it is built.</summary>
    protected abstract void Configure(IDistributedApplicationTestingBuilder builder);

    protected static IResourceBuilder<ProjectResource> Project(IDistributedApplicationTestingBuilder builder, string name) =>
        builder.CreateResourceBuilder<ProjectResource>(name);
}
