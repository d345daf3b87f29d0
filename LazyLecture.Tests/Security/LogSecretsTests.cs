using System.Net;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace LazyLecture.Tests.Security;

/// <summary>
/// No secret reaches a log: after a run of logins, refreshes, uploads and worker calls, the complete output of every
/// resource (collected from Aspire's resource logger from the moment each started, as the dashboard shows it) holds none of the configured secrets, passwords
/// or the tokens handed out. Runs alone and late in its collection, so that the logs cover as much of the run as possible.
/// </summary>
[Collection(nameof(SerialTests))]
public sealed class LogSecretsTests(AppHostFixture fixture)
{
    [Fact]
    public async Task The_logs_of_a_run_hold_no_secret_password_or_token()
    {
        using var api = new ApiSession(fixture);
        var secrets = ConfiguredSecrets();

        // Every kind of credential crosses the API at least once, including in failing requests (the ones most likely logged).
        var (_, username, tokens) = await api.NewUserAsync();
        secrets.Add(("user password", ApiSession.GoodPassword));
        secrets.Add(("access token", tokens.Access));
        secrets.Add(("refresh token", tokens.Refresh));
        using (var refreshed = await api.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = tokens.Refresh }))
        {
            var body = await ApiSession.ReadObjectAsync(refreshed);
            secrets.Add(("rotated access token", body["access_token"]!.GetValue<string>()));
            secrets.Add(("rotated refresh token", body["refresh_token"]!.GetValue<string>()));
        }

        using (await api.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = tokens.Refresh })) { } // a replay, logged as a warning
        using (await api.PostJsonAsync("/api/v1/auth/login", new { username, password = "Wrong-" + ApiSession.GoodPassword })) { }
        var (uploaderId, uploader) = await api.NewUploaderAsync();
        secrets.Add(("uploader access token", uploader.Access));
        var id = await api.UploadOkAsync(uploader.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        using (await api.WorkerAsync(HttpMethod.Get, $"/internal/v1/transcriptions/{id}", key: "wrong-worker-key")) { }
        await api.ReportStateAsync(id, "processing_error", "a failure");

        // A share link's token travels in the path: its reads, a refused one and a 404 after revocation are logged without it.
        var (linkId, shareToken) = await Courses.CourseClient.ShareAsync(api, uploader.Access, new { transcription_id = id });
        secrets.Add(("share link token", shareToken));
        using (await api.GetAsync($"/api/v1/shared/{shareToken}")) { }
        using (await api.GetAsync($"/api/v1/shared/{shareToken}/lectures/{id}/segments?page=0")) { }
        using (await api.GetAsync($"/api/v1/shared/{shareToken}/lectures/{id + 100000}/audio")) { }
        using (await api.SendAsync(HttpMethod.Delete, $"/api/v1/share-links/{linkId}", null, uploader.Access)) { }
        using (await api.GetAsync($"/api/v1/shared/{shareToken}/search?q=failure")) { }
        Assert.True(uploaderId > 0);

        var logs = fixture.Application.ConsoleLogs.Keys.ToList();
        Assert.NotEmpty(logs);
        var leaks = new List<string>();
        foreach (var resource in logs)
        {
            var text = fixture.Application.ConsoleLog(resource);
            leaks.AddRange(secrets.Where(s => text.Contains(s.Value, StringComparison.Ordinal)).Select(s => $"{s.Name} in {resource}"));
        }

        Assert.True(leaks.Count == 0, "secrets in the logs: " + string.Join("; ", leaks));
        var apiInstance = fixture.Application.Snapshots.Single(ResourceNames.Api).ResourceId;
        Assert.Contains("Now listening on", fixture.Application.ConsoleLog(apiInstance), StringComparison.Ordinal); // the capture works
    }

    private List<(string Name, string Value)> ConfiguredSecrets()
    {
        var app = fixture.App;
        var database = new NpgsqlConnectionStringBuilder(app.GetConnectionString(ResourceNames.Database));
        var broker = new Uri(app.GetConnectionString(ResourceNames.RabbitMq)).UserInfo.Split(':', 2);
        return
        [
            ("administrator password", app.GetParameterValue(ResourceNames.AdminPassword)),
            ("JWT signing key", app.GetParameterValue(ResourceNames.JwtSigningKey)),
            ("worker API key", app.GetParameterValue(ResourceNames.WorkerApiKey)),
            ("database password", database.Password!),
            ("broker password", Uri.UnescapeDataString(broker[1])),
        ];
    }
}
