using LazyLecture.Contracts;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Worker;

/// <summary>
/// A second, complete application whose two workers do consume jobs (the suite's shared one keeps its worker idle so API
/// tests can drive jobs by hand). Engine: PocketSphinx, which needs no model download.
/// </summary>
public sealed class WorkerPipelineFixture : OwnApplicationFixture
{
    public const int WorkerReplicas = 2;

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        var worker = Project(builder, ResourceNames.Worker);
        worker.WithReplicas(WorkerReplicas);
        worker.WithEnvironment("Worker__ConsumeJobs", "true");
        worker.WithEnvironment("Worker__Engine", "pocketsphinx");
    }
}
