using System.Net;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Auth;

public sealed class RateLimitTests(AppHostFixture fixture)
{
    [Fact]
    public async Task Repeated_logins_for_one_username_get_429_with_retry_after_even_from_many_addresses()
    {
        var username = ApiSession.NewUsername();
        HttpResponseMessage? limited = null;
        for (var attempt = 0; attempt < 12 && limited is null; attempt++)
        {
            using var api = new ApiSession(fixture); // a new client address each time: only the username is shared
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
