using System.Security.Claims;

namespace LazyLecture.Web.Sessions;

/// <summary>What the session cookie says about its user: the session id and what the pages show (name, admin menu).</summary>
public static class SessionClaims
{
    public const string SessionId = "sid";
    public const string AdminRole = "admin";

    public static string? SessionIdOf(ClaimsPrincipal user) => user.FindFirstValue(SessionId);
}
