namespace LazyLecture.Hosting;

/// <summary>A resource could not be started, or a dependency it needs is missing.</summary>
public sealed class DistributedApplicationException(string message, Exception? inner = null) : Exception(message, inner);
