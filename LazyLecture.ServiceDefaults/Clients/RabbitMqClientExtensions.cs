using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace LazyLecture.ServiceDefaults.Clients;

/// <summary>
/// The RabbitMQ client integration (what Aspire.RabbitMQ.Client provides, which is not served here): one shared connection
/// from <c>ConnectionStrings:{name}</c>, with automatic recovery, and a readiness check that reports whether it is open.
/// </summary>
public static class RabbitMqClientExtensions
{
    public static IHostApplicationBuilder AddRabbitMQClient(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Connection string '{connectionName}' is missing: set ConnectionStrings__{connectionName}.");
        builder.Services.AddSingleton(services => new RabbitMqConnection(
            new ConnectionFactory
            {
                Uri = new Uri(connectionString),
                AutomaticRecoveryEnabled = true,
                TopologyRecoveryEnabled = true,
                NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
                RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
                ClientProvidedName = builder.Environment.ApplicationName,
            },
            services.GetRequiredService<ILogger<RabbitMqConnection>>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<RabbitMqConnection>());
        builder.Services.AddHealthChecks().AddCheck<RabbitMqHealthCheck>(connectionName);
        return builder;
    }
}

/// <summary>
/// Owns the service's single RabbitMQ connection. The client library recovers a lost connection by itself, but not a
/// first connection that fails, so the first one is retried here with back-off until the broker answers.
/// </summary>
public sealed class RabbitMqConnection(ConnectionFactory factory, ILogger<RabbitMqConnection> logger) : BackgroundService
{
    private readonly TaskCompletionSource<IConnection> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsOpen => _connected.Task.IsCompletedSuccessfully && _connected.Task.Result.IsOpen;

    /// <summary>The open connection, once the broker has been reached.</summary>
    public Task<IConnection> GetConnectionAsync(CancellationToken cancellationToken) => _connected.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connection = await factory.CreateConnectionAsync(stoppingToken);
                connection.ConnectionShutdownAsync += (_, args) =>
                {
                    logger.LogWarning("RabbitMQ connection lost ({Reason}); recovering automatically", args.ReplyText);
                    return Task.CompletedTask;
                };
                connection.RecoverySucceededAsync += (_, _) =>
                {
                    logger.LogInformation("RabbitMQ connection recovered");
                    return Task.CompletedTask;
                };
                logger.LogInformation("Connected to RabbitMQ at {Endpoint}", connection.Endpoint.ToString());
                _connected.TrySetResult(connection);
                return;
            }
            catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or TimeoutException)
            {
                logger.LogWarning("RabbitMQ is not reachable yet ({Message}); retrying in {Delay}", ex.Message, delay);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_connected.Task.IsCompletedSuccessfully)
        {
            await _connected.Task.Result.CloseAsync(cancellationToken);
            _connected.Task.Result.Dispose();
        }
    }
}

internal sealed class RabbitMqHealthCheck(RabbitMqConnection connection) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(connection.IsOpen ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Not connected to RabbitMQ."));
}
