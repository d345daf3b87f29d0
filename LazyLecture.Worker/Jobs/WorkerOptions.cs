using System.ComponentModel.DataAnnotations;

namespace LazyLecture.Worker.Jobs;

/// <summary>The worker's settings (section <c>Worker</c>).</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>The credential for the API's worker endpoints; the AppHost generates it.</summary>
    [Required(ErrorMessage = "Worker:ApiKey is required (environment Worker__ApiKey); the AppHost generates one.")]
    public string ApiKey { get; set; } = "";

    /// <summary>Which engine transcribes: <c>whisper</c> (falls back to PocketSphinx when no model is available) or <c>pocketsphinx</c>.</summary>
    public string Engine { get; set; } = "whisper";

    /// <summary>Jobs this worker runs at a time (RabbitMQ prefetch).</summary>
    [Range(1, 16)]
    public ushort Prefetch { get; set; } = 1;

    /// <summary>False keeps the worker connected and healthy without taking jobs (used by API-only test runs).</summary>
    public bool ConsumeJobs { get; set; } = true;

    /// <summary>Folder for recordings downloaded while their job runs (deleted afterwards).</summary>
    public string ScratchDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "lazylecture-worker");
}
