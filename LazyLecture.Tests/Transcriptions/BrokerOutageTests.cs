using System.Net;
using LazyLecture.Contracts;
using LazyLecture.Tests.Hosting;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Transcriptions;

[Collection(nameof(SerialTests))]
public sealed class BrokerOutageTests(AppHostFixture fixture)
{
    [Fact]
    public async Task Upload_while_rabbitmq_is_stopped_succeeds_and_the_job_is_published_after_restart()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();

        await fixture.App.StopResourceAsync(ResourceNames.RabbitMq, ApiSession.Cancellation);
        int id;
        try
        {
            id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        }
        finally
        {
            await fixture.App.StartResourceAsync(ResourceNames.RabbitMq, ApiSession.Cancellation);
        }

        await fixture.App.WaitForResourceHealthyAsync(ResourceNames.RabbitMq, ApiSession.Cancellation).WaitAsync(TimeSpan.FromSeconds(60), ApiSession.Cancellation);
        var messages = await Eventually.MatchesAsync(
            () => JobQueueProbe.TakeJobsForAsync(fixture, id, ApiSession.Cancellation), m => m.Count > 0, TimeSpan.FromSeconds(60), "the job published after the broker came back");
        Assert.Single(messages);
        using var api2 = await api.GetAsync($"/api/v1/transcriptions/{id}", tokens.Access);
        Assert.Equal(HttpStatusCode.OK, api2.StatusCode);
    }
}
