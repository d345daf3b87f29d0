namespace LazyLecture.Hosting;

/// <summary>Where a resource instance is in its life, as the console and the dashboard show it.</summary>
public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Healthy,
    Unhealthy,
    Restarting,
    Stopping,
    Stopped,
    Finished,
    Failed,
}
