using LazyLecture.Contracts;
using LazyLecture.ServiceDefaults.Clients;

var builder = WebApplication.CreateSlimBuilder(args);

builder.AddServiceDefaults();
builder.AddRabbitMQClient(ResourceNames.RabbitMq);

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
