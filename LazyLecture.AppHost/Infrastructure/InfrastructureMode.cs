using System.Diagnostics;

namespace LazyLecture.AppHost.Infrastructure;

/// <summary>How PostgreSQL and RabbitMQ run: Aspire's standard containers, or the Debian packages' servers as local processes.</summary>
public enum InfrastructureMode
{
    /// <summary>Containers when a container runtime answers (and always when publishing), local processes otherwise.</summary>
    Auto,
    Containers,
    Local,
}

public static class InfrastructureModeSelection
{
    /// <summary>The one setting that selects the mode: <c>AppHost:Infrastructure</c> (<c>AppHost__Infrastructure</c>) = auto, containers or local.</summary>
    public const string SettingKey = "AppHost:Infrastructure";

    public static InfrastructureMode ResolveInfrastructureMode(this IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration[SettingKey];
        var mode = string.IsNullOrWhiteSpace(configured)
            ? InfrastructureMode.Auto
            : Enum.TryParse<InfrastructureMode>(configured, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new DistributedApplicationException($"{SettingKey} must be auto, containers or local (was '{configured}').");

        // A deployment manifest always describes the standard container resources: that is what azd provisions.
        if (builder.ExecutionContext.IsPublishMode)
        {
            return InfrastructureMode.Containers;
        }

        return mode == InfrastructureMode.Auto
            ? ContainerRuntimeAnswers() ? InfrastructureMode.Containers : InfrastructureMode.Local
            : mode;
    }

    /// <summary>
    /// Whether the container runtime DCP would use (ASPIRE_CONTAINER_RUNTIME, else docker) has a daemon that answers.
    /// A docker client without a daemon is common (CI images, this project's build machines): that counts as no runtime.
    /// </summary>
    private static bool ContainerRuntimeAnswers()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") is { Length: > 0 } configured ? configured : "docker";
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (probe is null)
            {
                return false;
            }

            if (!probe.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                probe.Kill(entireProcessTree: true);
                return false;
            }

            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no such program
        }
    }
}
