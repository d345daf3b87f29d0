using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Hosting;

public sealed class ApplicationShutdownTests
{
    [Fact]
    public async Task Disposing_the_application_leaves_no_process_of_it_behind()
    {
        // A second, independent instance beside the shared one: it must not collide with it (ports, node names, epmd).
        var application = await TestApplication.StartAsync();
        var stateDirectory = application.StateDirectory;
        var processes = ProcessTable.Naming(stateDirectory);
        Assert.True(processes.Count >= 2, $"expected the PostgreSQL and RabbitMQ servers among its processes, saw {processes.Count}");

        await application.DisposeAsync();

        await Eventually.MatchesAsync(
            () => Task.FromResult(ProcessTable.Naming(stateDirectory)),
            survivors => survivors.Count == 0, TimeSpan.FromSeconds(30), "every process of the disposed application to end");
        Assert.False(Directory.Exists(stateDirectory), "the test application's state folder was not deleted");
    }
}
