using LazyLecture.Contracts;
using LazyLecture.Worker.Extensions;

var builder = WebApplication.CreateSlimBuilder(args);

builder.AddServiceDefaults();
builder.AddRabbitMQClient(ResourceNames.RabbitMq);
builder.AddTranscriptionWorker();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
