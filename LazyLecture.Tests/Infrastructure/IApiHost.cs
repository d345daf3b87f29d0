namespace LazyLecture.Tests.Infrastructure;

/// <summary>
/// Where a test's API runs: a whole application's API process (<see cref="AppHostFixture"/>) or the API in the test
/// process (<see cref="InProcess.InProcessApiFixture"/>). Both talk to a real PostgreSQL and RabbitMQ; the session helpers
/// (<see cref="ApiSession"/>, <see cref="TranscriptionClient"/>) work the same on either.
/// </summary>
public interface IApiHost
{
    /// <summary>A client of this API (base address set; the caller disposes it).</summary>
    HttpClient CreateApiClient();

    /// <summary>The connection string of the database this API uses, for tests that look at rows directly.</summary>
    string DatabaseConnectionString { get; }

    /// <summary>The value of one of the AppHost's parameters as this API sees it (administrator, signing key, worker key).</summary>
    string Parameter(string name);

    /// <summary>Where this API keeps uploaded recordings.</summary>
    string AudioDirectory { get; }

    /// <summary>The names of the recordings in the audio store: its committed uploads, not the staging area.</summary>
    List<string> StoredRecordings();

    /// <summary>The recordings in an audio store folder, by name.</summary>
    static List<string> RecordingsIn(string audioDirectory) =>
        [.. Directory.EnumerateFiles(audioDirectory).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];
}
