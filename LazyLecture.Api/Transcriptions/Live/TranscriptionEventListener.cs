using Npgsql;

namespace LazyLecture.Api.Transcriptions.Live;

/// <summary>
/// Holds one dedicated connection per API replica that LISTENs on <see cref="TranscriptionEventChannel.Name"/> and hands
/// each notified id to the hub, so a change committed through any replica (or by anything else writing the database)
/// reaches the streams open on every replica. Reconnects with back-off when the connection drops.
/// </summary>
public sealed class TranscriptionEventListener(NpgsqlDataSource dataSource, TranscriptionEventHub hub, ILogger<TranscriptionEventListener> logger) : BackgroundService
{
    /// <summary>A connection quiet this long gets a round trip, so a silently dead one is noticed and replaced.</summary>
    private static readonly TimeSpan QuietCheck = TimeSpan.FromSeconds(30);

    private const double MaxReconnectDelaySecs = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += OnNotification;
                await ExecuteAsync(connection, $"LISTEN {TranscriptionEventChannel.Name}", stoppingToken);
                failures = 0;
                logger.LogInformation("Listening for transcription events on {Channel}", TranscriptionEventChannel.Name);
                hub.PublishAll();
                while (true)
                {
                    if (!await connection.WaitAsync(QuietCheck, stoppingToken))
                    {
                        await ExecuteAsync(connection, "SELECT 1", stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                // At most a few seconds: after a database restart, open streams hear of changes again this soon.
                var delay = TimeSpan.FromSeconds(Math.Min(MaxReconnectDelaySecs, Math.Pow(2, failures - 1)));
                logger.LogWarning("Listening for transcription events failed ({Message}); reconnecting in {Delay}", ex.Message, delay);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs notification)
    {
        if (int.TryParse(notification.Payload, out var transcriptionId))
        {
            hub.Publish(transcriptionId);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
