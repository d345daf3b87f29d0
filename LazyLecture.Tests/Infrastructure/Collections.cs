using LazyLecture.Tests.Hosting;
using LazyLecture.Tests.Worker;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(LazyLecture.Tests.Infrastructure.OwnApplicationsFirst))]

namespace LazyLecture.Tests.Infrastructure;

// Every test collection of the suite, in one place. A class without [Collection] runs in parallel with the others on the
// shared application (AppHostFixture), on the in-process API (InProcessApiFixture) or on its class fixture.
// The whole applications a run starts: the shared one and the three below, each for the tests where processes must talk.

/// <summary>
/// Tests that compare shared state (the audio folder) or take shared infrastructure down (PostgreSQL, RabbitMQ, the worker):
/// one at a time, last, and each apart from every other test of the shared application (<see cref="SharedApplicationGateAttribute"/>).
/// </summary>
[CollectionDefinition(nameof(SerialTests))]
public sealed class SerialTests;

/// <summary>The tests of the application whose workers consume jobs with PocketSphinx (pipeline, web walkthroughs, metrics): one application for all of them, one class at a time.</summary>
[CollectionDefinition(nameof(WorkerPipeline))]
public sealed class WorkerPipeline : ICollectionFixture<WorkerPipelineFixture>;

/// <summary>The tests of the application whose worker runs the managed Whisper engine (pipeline, live windows, OpenAI clients): started once for all of them.</summary>
[CollectionDefinition(nameof(WhisperPipeline))]
public sealed class WhisperPipeline : ICollectionFixture<WhisperPipelineFixture>;

/// <summary>
/// The tests of the application whose worker runs Whisper.net; when they are done, the shutdown test disposes that
/// application and checks that nothing of it is left (so it needs no application of its own).
/// </summary>
[CollectionDefinition(nameof(WhisperNetPipeline))]
[TestClassOrderer(typeof(ApplicationShutdownLast))]
public sealed class WhisperNetPipeline : ICollectionFixture<WhisperNetPipelineFixture>;

/// <summary>Runs <see cref="ApplicationShutdownTests"/> after every other class of its collection, in the default order otherwise.</summary>
public sealed class ApplicationShutdownLast : ITestClassOrderer
{
    public IReadOnlyCollection<TTestClass?> OrderTestClasses<TTestClass>(IReadOnlyCollection<TTestClass?> testClasses)
        where TTestClass : ITestClass =>
        [.. DefaultTestClassOrderer.Instance.OrderTestClasses(testClasses).OrderBy(c => c?.TestClassName == typeof(ApplicationShutdownTests).FullName)];
}

/// <summary>
/// Starts the collections of the applications of their own first, the longest first, then the others in the default
/// (random) order, and <see cref="SerialTests"/> last. A collection holds one of the run's parallel slots (two on a
/// two-core machine) from its first test to its last, and the pipeline's tests wait on real transcriptions for most of the
/// run: started after the short collections, as the random order sometimes did, it ran on alone for minutes at the end.
/// </summary>
public sealed class OwnApplicationsFirst : ITestCollectionOrderer
{
    /// <summary>The collections whose tests run on an application of their own, the longest first.</summary>
    public static readonly string[] Collections = [typeof(WorkerPipeline).FullName!, typeof(WhisperPipeline).FullName!, typeof(WhisperNetPipeline).FullName!];

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection =>
        [.. DefaultTestCollectionOrderer.Instance.OrderTestCollections(testCollections).OrderBy(c => Rank(c))];

    private static int Rank(ITestCollection collection) => collection.TestCollectionClassName switch
    {
        var name when name == typeof(SerialTests).FullName => Collections.Length + 1,
        var name when Collections.Contains(name) => Array.IndexOf(Collections, name),
        _ => Collections.Length,
    };
}
