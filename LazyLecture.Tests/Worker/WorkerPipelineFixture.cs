using LazyLecture.Contracts;
using LazyLecture.Hosting;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Worker;

/// <summary>
/// A second, complete application whose two workers do consume jobs (the suite's shared one keeps its worker idle so API
/// tests can drive jobs by hand). Engine: PocketSphinx, which needs no model download.
/// </summary>
public sealed class WorkerPipelineFixture : IAsyncLifetime
{
    public const int WorkerReplicas = 2;

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application has not started.");

    /// <summary>Lets the shared session helpers (login, upload, worker calls) talk to this application.</summary>
    public AppHostFixture AsFixture { get; } = new();

    public async ValueTask InitializeAsync()
    {
        _app = await AppHostFixture.StartApplicationAsync(builder =>
        {
            var worker = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == ResourceNames.Worker);
            worker.Replicas = WorkerReplicas;
            worker.Environment["Worker__ConsumeJobs"] = () => "true";
            worker.Environment["Worker__Engine"] = () => "pocketsphinx";
        });
        AsFixture.Use(_app);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(nameof(WorkerPipeline))]
public sealed class WorkerPipeline : ICollectionFixture<WorkerPipelineFixture>;
