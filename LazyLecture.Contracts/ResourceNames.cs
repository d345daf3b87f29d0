namespace LazyLecture.Contracts;

/// <summary>Names of the application's resources, shared by the AppHost (which declares them) and the services (which read their connection strings).</summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string Database = "lazylecture";
    public const string RabbitMq = "rabbitmq";
    public const string Migrations = "migrations";
    public const string Api = "api";
    public const string Worker = "worker";
    public const string Web = "web";

    public const string AdminUsername = "admin-username";
    public const string AdminPassword = "admin-password";
    public const string JwtSigningKey = "jwt-signing-key";
    public const string WorkerApiKey = "worker-api-key";
}
