using LazyLecture.Hosting;
using Xunit;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>
/// A complete application of a test class's own, started like the suite's shared one with some settings changed
/// (a consuming worker, another engine, more replicas), and disposed with the class.
/// </summary>
public abstract class OwnApplicationFixture : IAsyncLifetime
{
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application has not started.");

    /// <summary>Lets the shared session helpers (login, upload, worker calls) talk to this application.</summary>
    public AppHostFixture AsFixture { get; } = new();

    public async ValueTask InitializeAsync()
    {
        _app = await AppHostFixture.StartApplicationAsync(Configure);
        AsFixture.Use(_app);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Changes this application's resources before it is built.</summary>
    protected abstract void Configure(DistributedApplicationBuilder builder);

    protected static ProjectResource Project(DistributedApplicationBuilder builder, string name) =>
        builder.Resources.OfType<ProjectResource>().Single(r => r.Name == name);
}
