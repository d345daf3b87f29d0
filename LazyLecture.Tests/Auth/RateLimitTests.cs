using System.Net;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.Auth;

public sealed class RateLimitTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task Repeated_logins_for_one_username_from_one_address_get_429_with_retry_after()
    {
        var username = ApiSession.NewUsername();
        using var api = new ApiSession(fixture);
        HttpResponseMessage? limited = null;
        // Fewer than the per-address limit of all auth routes (30), so this 429 can only come from the per-username limit.
        for (var attempt = 0; attempt < 12 && limited is null; attempt++)
        {
            var response = await api.PostJsonAsync("/api/v1/auth/login", new { username, password = "Wrong-password1!" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        limited.Dispose();

        // Another user's login from the same address is not held up by that username's limit.
        using var registrar = new ApiSession(fixture);
        var (_, other, _) = await registrar.NewUserAsync();
        using var otherLogin = await api.PostJsonAsync("/api/v1/auth/login", new { username = other, password = ApiSession.GoodPassword });
        Assert.Equal(HttpStatusCode.OK, otherLogin.StatusCode);
    }

    [Fact]
    public async Task Repeated_requests_from_one_address_get_429()
    {
        using var api = new ApiSession(fixture);
        HttpStatusCode last = default;
        for (var attempt = 0; attempt < 40 && last != HttpStatusCode.TooManyRequests; attempt++)
        {
            using var response = await api.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = "not-a-token" });
            last = response.StatusCode;
            if (last == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last);
    }
}
