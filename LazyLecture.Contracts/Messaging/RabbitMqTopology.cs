using RabbitMQ.Client;

namespace LazyLecture.Contracts.Messaging;

/// <summary>Queue declarations shared by publishers and consumers, so both sides always declare the same arguments.</summary>
public static class RabbitMqTopology
{
    /// <summary>A durable queue whose rejected messages go (through the default exchange) to a durable dead-letter queue.</summary>
    public static async Task DeclareQueueWithDeadLetterAsync(this IChannel channel, string queue, string deadLetterQueue, CancellationToken cancellationToken)
    {
        await channel.QueueDeclareAsync(deadLetterQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = deadLetterQueue,
        }, cancellationToken: cancellationToken);
    }
}
