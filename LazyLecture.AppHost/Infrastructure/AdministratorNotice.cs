using LazyLecture.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LazyLecture.AppHost.Infrastructure;

/// <summary>
/// On the first start (no administrator password configured or kept yet), tells who the administrator is and where the
/// generated password can be read — never the password itself, which would then live in every log of the run.
/// </summary>
public static class AdministratorNotice
{
    public static void AnnounceAdministratorOnFirstStart(this IDistributedApplicationBuilder builder)
    {
        // Read before the parameter is resolved: Aspire generates and persists the password only after this.
        if (builder.Configuration[$"Parameters:{ResourceNames.AdminPassword}"] is not null || builder.ExecutionContext.IsPublishMode)
        {
            return;
        }

        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((@event, cancellationToken) =>
        {
            var username = builder.Configuration[$"Parameters:{ResourceNames.AdminUsername}"] ?? AdministratorUsername.Default;
            @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LazyLecture.AppHost").LogInformation(
                "First start: the administrator is '{Username}', with a password generated now and kept in the AppHost's user secrets. " +
                "Show it with `dotnet user-secrets list --project LazyLecture.AppHost` (parameter {Parameter}) or on the dashboard's " +
                "Parameters view. New users can upload once the administrator allows them (web app: Administration).",
                username, ResourceNames.AdminPassword);
            return Task.CompletedTask;
        });
    }
}
