using LazyLecture.Api.Data;
using LazyLecture.MigrationService;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddLazyLectureDbContext();
builder.Services.AddHostedService<DatabaseMigrationWorker>();

await builder.Build().RunAsync();
