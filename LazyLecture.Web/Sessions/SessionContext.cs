using LazyLecture.Web.Api;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace LazyLecture.Web.Sessions;

/// <summary>
/// The current user's session, for a page (its circuit's authentication state) or an endpoint (which sets the state from
/// its request first, see <see cref="Media.MediaEndpoints"/>).
/// </summary>
public sealed class SessionContext(AuthenticationStateProvider authentication, TokenSessionStore sessions)
{
    public async Task<TokenSession> RequireAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return sessions.Find(SessionClaims.SessionIdOf(state.User)) ?? throw new SessionEndedException();
    }
}

/// <summary>
/// Re-checks an open page's session every minute, so a page left open after signing out elsewhere (or after the session
/// expired) stops acting as the user.
/// </summary>
public sealed class SessionRevalidatingStateProvider(ILoggerFactory loggers, TokenSessionStore sessions)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        Task.FromResult(sessions.Find(SessionClaims.SessionIdOf(authenticationState.User)) is not null);
}
