using LazyLecture.AppHost.Infrastructure;
using LazyLecture.Contracts;

// The LazyLecture application: what runs, how it is wired, and what waits for what.
var builder = DistributedApplication.CreateBuilder(CommandLineOptions.Expand(args));

// The services' readiness endpoint (ServiceDefaults' MapDefaultEndpoints): healthy only once their dependencies answer.
const string ReadinessPath = "/health/ready";

// Secrets: generated on first run and kept in the AppHost's user secrets (Aspire's persisted parameters); set
// Parameters:<name> to choose them (the administrator's name too). The dashboard shows them masked; none is ever logged.
builder.AnnounceAdministratorOnFirstStart();
var adminUsername = builder.AddParameter(ResourceNames.AdminUsername, new ValueParameterDefault(AdministratorUsername.Default));
var adminPassword = builder.AddParameter(ResourceNames.AdminPassword, new AdministratorPasswordDefault(), secret: true, persist: true);
var jwtSigningKey = builder.AddParameter(ResourceNames.JwtSigningKey, new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);
var workerApiKey = builder.AddParameter(ResourceNames.WorkerApiKey, new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);

// Containers where a container runtime answers (and in the deployment manifest), the Debian packages' servers otherwise.
var infrastructure = builder.ResolveInfrastructureMode();
var database = builder.AddPostgresDatabase(infrastructure, ResourceNames.Postgres, ResourceNames.Database);
var rabbitmq = builder.AddMessageBroker(infrastructure, ResourceNames.RabbitMq);

// Applies the database schema once, before any API or worker replica starts.
var migrations = builder.AddProject<Projects.LazyLecture_MigrationService>(ResourceNames.Migrations)
    .WithReference(database)
    .WaitFor(database);

// The host names the API and the web app answer to (host filtering); any other Host header gets 400, so a forged one
// never reaches a redirect or a link. Set AppHost:AllowedHosts (';'-separated) to the public name behind a reverse proxy.
var allowedHosts = builder.Configuration["AppHost:AllowedHosts"] is { Length: > 0 } hosts ? hosts : "localhost;127.0.0.1;[::1]";

var api = builder.AddProject<Projects.LazyLecture_Api>(ResourceNames.Api)
    .WithHttpEndpoint(port: builder.Configuration.GetValue("AppHost:ApiPort", 5080) is > 0 and var apiPort ? apiPort : null)
    .WithReplicas(builder.Configuration.GetValue("AppHost:ApiReplicas", 1))
    .WithHttpHealthCheck(ReadinessPath)
    .WithReference(database)
    .WithReference(rabbitmq)
    .WithEnvironment("Jwt__SigningKey", jwtSigningKey)
    .WithEnvironment("Admin__Username", adminUsername)
    .WithEnvironment("Admin__Password", adminPassword)
    .WithEnvironment("Worker__ApiKey", workerApiKey)
    .WithEnvironment("AudioStore__Directory", builder.AudioStoreDirectory())
    .WithEnvironment("AllowedHosts", $"{allowedHosts};{ResourceNames.Api}")
    .WaitFor(rabbitmq)
    .WaitForCompletion(migrations);

if (builder.WhisperModelName() is { } modelName)
{
    api.WithEnvironment("OpenAi__Model", modelName); // what /v1/models lists and OpenAI clients name
}

var worker = builder.AddProject<Projects.LazyLecture_Worker>(ResourceNames.Worker)
    .WithHttpEndpoint()
    .WithHttpHealthCheck(ReadinessPath)
    .WithReplicas(builder.Configuration.GetValue("AppHost:WorkerReplicas", 1))
    .WithReference(rabbitmq)
    .WithReference(api)
    .WithEnvironment("Worker__ApiKey", workerApiKey)
    .WithEnvironment("Engines__Whisper__ModelPath", builder.WhisperModelPath())
    .WithEnvironment("VoiceActivity__ModelPath", builder.VoiceActivityModelPath())
    .WaitFor(rabbitmq)
    .WaitFor(api)
    .WaitForCompletion(migrations);
if (builder.Configuration["AppHost:WorkerEngine"] is { Length: > 0 } engine)
{
    worker.WithEnvironment("Worker__Engine", engine); // whisper or pocketsphinx; by default the worker picks (see README)
}

// The web app people use; it calls only the API's public REST endpoints.
builder.AddProject<Projects.LazyLecture_Web>(ResourceNames.Web)
    .WithHttpEndpoint(port: builder.Configuration.GetValue("AppHost:WebPort", 5081) is > 0 and var webPort ? webPort : null)
    .WithHttpHealthCheck(ReadinessPath)
    .WithReference(api)
    .WithEnvironment("AllowedHosts", allowedHosts)
    .WaitFor(api);

builder.Build().Run();
