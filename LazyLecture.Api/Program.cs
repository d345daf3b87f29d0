using LazyLecture.Api.Data;
using LazyLecture.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

// The AppHost's one-shot "migrations" step runs this same assembly with the "migrate" verb.
if (args is [DatabaseMigrator.Verb, ..])
{
    await app.MigrateDatabaseAsync();
    return;
}

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();
app.MapApiDocumentation();

app.Run();
