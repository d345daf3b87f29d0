using System.Reflection;

namespace LazyLecture.Hosting.Testing;

/// <summary>
/// Runs an AppHost's own Program as a test host (Aspire.Hosting.Testing's shape): the entry point declares the resources as
/// usual, but in a throw-away state folder with random ports, and hands the built application to the test instead of running it.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    /// <param name="configureBuilder">Runs right after the AppHost creates its builder: set configuration the AppHost reads.</param>
    /// <param name="beforeBuild">Runs after the AppHost declared its resources: adjust them (environment, replicas).</param>
    public static async Task<DistributedApplication> CreateAsync<TEntryPoint>(
        string[]? args = null,
        Action<DistributedApplicationBuilder>? configureBuilder = null,
        Action<DistributedApplicationBuilder>? beforeBuild = null)
    {
        var entryPoint = typeof(TEntryPoint).Assembly.EntryPoint
            ?? throw new InvalidOperationException($"{typeof(TEntryPoint).Assembly.GetName().Name} has no entry point.");
        var hooks = new TestHostHooks { ConfigureBuilder = configureBuilder, BeforeBuild = beforeBuild };

        // Run on a separate flow so the hooks (an AsyncLocal) reach the entry point and nothing else.
        await Task.Run(async () =>
        {
            DistributedApplicationBuilder.TestHost.Value = hooks;
            object? result;
            try
            {
                result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [args ?? []]);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }

            if (result is Task task)
            {
                await task.ConfigureAwait(false);
            }
        }).ConfigureAwait(false);

        return hooks.Application
            ?? throw new InvalidOperationException("The AppHost's entry point did not build and run a DistributedApplication.");
    }
}
