using System.Net.Sockets;
using Npgsql;

namespace LazyLecture.Api.Errors;

/// <summary>
/// Recognises "the database cannot be reached right now" (stopped, restarting, refusing connections) anywhere in an
/// exception's chain, including EF Core's retry wrapper: a 503 the client can retry, not a 500 that blames the request.
/// </summary>
public static class DatabaseUnavailable
{
    /// <summary>How long a client should wait before trying again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public static bool Is(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                // Class 57P: the server is shutting down or starting up; class 08: the connection failed.
                case PostgresException postgres when postgres.SqlState.StartsWith("57P", StringComparison.Ordinal) || postgres.SqlState.StartsWith("08", StringComparison.Ordinal):
                    return true;
                case PostgresException:
                    return false;
                case NpgsqlException { IsTransient: true }:
                case NpgsqlException { InnerException: SocketException or IOException or TimeoutException }:
                    return true;
            }
        }

        return false;
    }
}
