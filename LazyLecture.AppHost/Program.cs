using LazyLecture.Contracts;
using LazyLecture.Hosting;

// The LazyLecture application: what runs, how it is wired, and what waits for what.
var builder = DistributedApplication.CreateBuilder(args);

// Secrets: from the AppHost's configuration (Admin__Password, Parameters__jwt-signing-key), else generated once and kept.
var adminUsername = builder.AddParameter(ResourceNames.AdminUsername, new ParameterOptions { ConfigurationKey = "Admin:Username", DefaultValue = "admin" });
var adminPassword = builder.AddParameter(ResourceNames.AdminPassword, new ParameterOptions
{
    Secret = true,
    ConfigurationKey = "Admin:Password",
    Generate = GeneratedSecrets.Password,
    AnnounceWhenGenerated = true,
});
var jwtSigningKey = builder.AddParameter(ResourceNames.JwtSigningKey, new ParameterOptions { Secret = true, Generate = GeneratedSecrets.SigningKey });
var workerApiKey = builder.AddParameter(ResourceNames.WorkerApiKey, new ParameterOptions { Secret = true, Generate = GeneratedSecrets.SigningKey });

var postgres = builder.AddPostgres(ResourceNames.Postgres, port: builder.Configuration.GetValue<int?>("AppHost:PostgresPort"));
var database = postgres.AddDatabase(ResourceNames.Database);

var rabbitmq = builder.AddRabbitMQ(ResourceNames.RabbitMq, port: builder.Configuration.GetValue<int?>("AppHost:RabbitMqPort"));

// Applies the database schema once, before any API or worker replica starts.
var migrations = builder.AddProject<Projects.LazyLecture_Api>(ResourceNames.Migrations)
    .WithArgs("migrate")
    .WithReference(database)
    .WaitFor(database);

var api = builder.AddProject<Projects.LazyLecture_Api>(ResourceNames.Api)
    .WithHttpEndpoint(port: builder.Configuration.GetValue("AppHost:ApiPort", 5080))
    .WithReference(database)
    .WithReference(rabbitmq)
    .WithEnvironment("Jwt__SigningKey", jwtSigningKey)
    .WithEnvironment("Admin__Username", adminUsername)
    .WithEnvironment("Admin__Password", adminPassword)
    .WithEnvironment("Worker__ApiKey", workerApiKey)
    .WithDataDirectory("AudioStore__Directory", "audio")
    .WaitFor(rabbitmq)
    .WaitForCompletion(migrations);

builder.AddProject<Projects.LazyLecture_Worker>(ResourceNames.Worker)
    .WithHttpEndpoint()
    .WithReplicas(builder.Configuration.GetValue("AppHost:WorkerReplicas", 1))
    .WithReference(rabbitmq)
    .WithReference(api)
    .WithEnvironment("Worker__ApiKey", workerApiKey)
    .WithEnvironment("Engines__Whisper__ModelPath", builder.Configuration["AppHost:WhisperModelPath"] ?? "")
    .WaitFor(rabbitmq)
    .WaitFor(api);

// The web app people use; it calls only the API's public REST endpoints.
builder.AddProject<Projects.LazyLecture_Web>(ResourceNames.Web)
    .WithHttpEndpoint(port: 5081)
    .WithReference(api)
    .WaitFor(api);

await builder.Build().RunAsync();

/// <summary>The AppHost's entry point, named so the test host can run it.</summary>
public partial class Program;
