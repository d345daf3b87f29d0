using LazyLecture.Api.Users;
using Microsoft.Extensions.Options;

namespace LazyLecture.Api.Auth;

/// <summary>
/// Creates the administrator from configuration (<c>Admin:Username</c>, <c>Admin:Password</c>) on first start. There is no
/// default password: without one configured no administrator is created. The password is never logged.
/// </summary>
public sealed class AdminBootstrapper(IServiceScopeFactory scopes, IOptions<AdminOptions> options, ILogger<AdminBootstrapper> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var admin = options.Value;
        if (string.IsNullOrEmpty(admin.Username) || string.IsNullOrEmpty(admin.Password))
        {
            logger.LogWarning("No administrator configured (Admin:Username and Admin:Password); none is created");
            return;
        }

        var broken = CredentialRules.CheckUsername(admin.Username).Concat(CredentialRules.CheckPassword(admin.Password)).ToList();
        if (broken.Count > 0)
        {
            throw new InvalidOperationException("The configured administrator breaks the credential rules: " + string.Join(" ", broken));
        }

        await using var scope = scopes.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<Accounts>();
        if (await accounts.TryCreateAsync(admin.Username, admin.Password, UserRole.Admin, cancellationToken))
        {
            logger.LogInformation("Created administrator {Username}", admin.Username);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
