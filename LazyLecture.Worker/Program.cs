using LazyLecture.Contracts;
using LazyLecture.Worker.Engines.Whisper;
using LazyLecture.Worker.Extensions;

// ./run.sh provides the models (Whisper, voice activity) through the worker's own provider before the system starts.
if (WhisperModelCommand.IsRequested(args))
{
    using var interrupted = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; interrupted.Cancel(); };
    return await WhisperModelCommand.RunAsync(args, Console.Out, Console.Error, interrupted.Token);
}

var builder = WebApplication.CreateSlimBuilder(args);

builder.AddServiceDefaults();
builder.AddRabbitMQClient(ResourceNames.RabbitMq);
builder.AddTranscriptionWorker();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

return 0;
