using System.Text.Json.Nodes;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Messaging;
using RabbitMQ.Client;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>Looks at the job queue of the running broker: takes the messages of one transcription, puts every other message back.</summary>
public static class JobQueueProbe
{
    public static async Task<List<JsonObject>> TakeJobsForAsync(AppHostFixture fixture, int transcriptionId, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = new Uri(fixture.App.GetConnectionString(ResourceNames.RabbitMq)) };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var ours = new List<JsonObject>();
        var others = new List<ulong>();
        while (await channel.BasicGetAsync(TranscriptionJobQueue.Name, autoAck: false, cancellationToken) is { } message)
        {
            var body = System.Text.Json.Nodes.JsonNode.Parse(message.Body.Span)!.AsObject();
            if (body["transcription_id"]?.GetValue<int>() == transcriptionId)
            {
                ours.Add(body);
                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            }
            else
            {
                others.Add(message.DeliveryTag);
            }
        }

        foreach (var tag in others)
        {
            await channel.BasicNackAsync(tag, multiple: false, requeue: true, cancellationToken);
        }

        return ours;
    }
}
