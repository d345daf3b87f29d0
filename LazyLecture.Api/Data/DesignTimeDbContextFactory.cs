using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LazyLecture.Api.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database or the app's configuration.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<LazyLectureDbContext>
{
    public LazyLectureDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<LazyLectureDbContext>()
            .UseNpgsql("Host=localhost;Database=design_time", npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .Options);
}
