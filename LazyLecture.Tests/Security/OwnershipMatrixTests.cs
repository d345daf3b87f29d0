using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LazyLecture.Contracts.Jobs;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Security;

/// <summary>
/// Who may call what, for every route of the route table (the API's OpenAPI document): another user gets 404 for every
/// route that names a transcription, user and administrator tokens never open a worker route, users get 403 on
/// administration, and no protected route answers without credentials. A route the rules below cannot place fails the
/// test until it is classified, so a new route cannot be left out. A share link's token reaches exactly what it shares:
/// the shared lecture, never another one (the owner's or a stranger's), and nothing once revoked.
/// </summary>
public sealed class OwnershipMatrixTests(AppHostFixture fixture, ITestOutputHelper output)
{
    /// <summary>Administration: users get 403.</summary>
    private static readonly HashSet<string> AdminRoutes =
    [
        "GET /api/v1/users", "GET /api/v1/users/{id}", "PATCH /api/v1/users/{id}", "PATCH /auth/patch",
        "GET /api/v1/users/{userId}/api-keys", "DELETE /api/v1/users/{userId}/api-keys/{id}",
    ];

    /// <summary>Open to anyone (they take credentials or create an account).</summary>
    private static readonly HashSet<string> PublicRoutes =
        ["GET /", "POST /api/v1/users", "POST /api/v1/auth/login", "POST /api/v1/auth/refresh", "POST /auth/login", "POST /auth/refresh", "POST /auth/register"];

    /// <summary>Authenticated routes that act only on the caller's own account or own transcriptions (no id of anything in them).</summary>
    private static readonly HashSet<string> OwnScopeRoutes =
    [
        "GET /api/v1/users/me", "PUT /api/v1/users/me/password", "POST /api/v1/auth/logout", "GET /auth/info",
        "GET /api/v1/transcriptions", "POST /api/v1/transcriptions", "GET /api/v1/transcriptions/search", "GET /transcriptions", "POST /upload-audiofile",
        "POST /api/v1/users/me/api-keys", "GET /api/v1/users/me/api-keys", "DELETE /api/v1/users/me/api-keys/{id}",
        "POST /v1/audio/transcriptions", "POST /v1/audio/translations", "GET /v1/models", "GET /v1/models/{model}",
        "POST /api/v1/courses", "GET /api/v1/courses", "POST /api/v1/share-links", "GET /api/v1/share-links",
    ];

    [Fact]
    public async Task Every_route_keeps_to_its_owner_and_role()
    {
        using var api = new ApiSession(fixture);
        var routes = await RouteTable.LoadAsync(api);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        var (_, stranger) = await api.NewUploaderAsync();
        var strangersLecture = await api.UploadOkAsync(stranger.Access, TranscriptionClient.Jfk);
        var admin = await api.LoginAsAdminAsync();
        var courseId = (await Courses.CourseClient.CreateCourseAsync(api, owner.Access, new { name = "Matrix" }))["id"]!.GetValue<int>();
        var (shareLinkId, token) = await Courses.CourseClient.ShareAsync(api, owner.Access, new { transcription_id = id });
        var (revokedLinkId, revokedToken) = await Courses.CourseClient.ShareAsync(api, owner.Access, new { transcription_id = id });
        using (var revoke = await api.SendAsync(HttpMethod.Delete, $"/api/v1/share-links/{revokedLinkId}", null, owner.Access))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        var idText = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Value(RouteParameter p) => p.Name switch
        {
            "id" or "task_id" or "transcript_id" or "user_id" => idText,
            "courseId" => courseId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "shareLinkId" => shareLinkId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "token" => token,
            "format" => "txt",
            "q" => "lecture",
            "chunkNo" => "0",
            _ => "1",
        };

        var failures = new List<string>();
        var checks = 0;
        async Task ExpectAsync(ApiRoute route, string who, string? bearer, HttpStatusCode expected, string? workerKey = null)
        {
            checks++;
            var status = await StatusAsync(api, route, route.Target(Value), bearer, workerKey);
            if (status != expected)
            {
                failures.Add($"{route} as {who}: {(int)status}, expected {(int)expected}");
            }
        }

        async Task ExpectSharedAsync(ApiRoute route, string linkToken, string lecture, bool expectOpen)
        {
            checks++;
            string SharedValue(RouteParameter p) => p.Name switch { "token" => linkToken, "id" => lecture, _ => Value(p) };
            var status = await StatusAsync(api, route, route.Target(SharedValue), null, null);
            // Let in: anything but 404 (a search without q is a 422, after the link was opened).
            var open = status is not (HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests);
            if (open != expectOpen || (!expectOpen && status != HttpStatusCode.NotFound))
            {
                failures.Add($"{route} with {(linkToken == token ? "the link" : "another token")} on lecture {lecture}: {(int)status}, expected {(expectOpen ? "to be let in" : "404")}");
            }
        }

        foreach (var route in routes)
        {
            var key = route.ToString();
            if (route.IsWorkerRoute)
            {
                await ExpectAsync(route, "a user", owner.Access, HttpStatusCode.Unauthorized);
                await ExpectAsync(route, "the administrator", admin.Access, HttpStatusCode.Unauthorized);
                await ExpectAsync(route, "a user token as worker key", null, HttpStatusCode.Unauthorized, owner.Access);
                await ExpectAsync(route, "nobody", null, HttpStatusCode.Unauthorized);
            }
            else if (route.IsSharedRoute)
            {
                // No account needed: the token is the credential, and it opens the shared lecture only.
                await ExpectSharedAsync(route, token, idText, expectOpen: true);
                await ExpectSharedAsync(route, revokedToken, idText, expectOpen: false);
                await ExpectSharedAsync(route, new string('A', 43), idText, expectOpen: false);
                if (route.Parameters.Any(p => p.Name == "id"))
                {
                    await ExpectSharedAsync(route, token, strangersLecture.ToString(System.Globalization.CultureInfo.InvariantCulture), expectOpen: false);
                }
            }
            else if (route.TakesTranscriptionId || route.TakesOwnedCourseOrLink)
            {
                await ExpectAsync(route, "another user", stranger.Access, HttpStatusCode.NotFound);
                await ExpectAsync(route, "nobody", null, HttpStatusCode.Unauthorized);
                if (route.Method == "GET")
                {
                    // The control: the owner is let in, so the stranger's 404 is about ownership, not a broken address.
                    checks++;
                    var status = await StatusAsync(api, route, route.Target(Value), owner.Access, null);
                    if (status is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    {
                        failures.Add($"{route} as its owner: {(int)status}");
                    }

                    // The owner's id written any other way than plain digits (a sign, a space, a comma) names nothing: 404 in a
                    // path, 422 in a query, never the transcription itself (a lenient reading of "1,234" could name another).
                    // The owned resource's id is the transcription's, or the course's or share link's on their own routes.
                    static bool IsOwnedId(RouteParameter p) => p.Name is "id" or "task_id" or "transcript_id" or "courseId" or "shareLinkId";
                    foreach (var spell in IdSpellings)
                    {
                        checks++;
                        var target = route.Target(p => IsOwnedId(p) ? spell(Value(p)) : Value(p));
                        var spelling = spell(route.Parameters.Where(IsOwnedId).Select(Value).First());
                        var misread = await StatusAsync(api, route, target, owner.Access, null);
                        var expected = route.Parameters.Any(p => p.In == "path" && IsOwnedId(p)) ? HttpStatusCode.NotFound : HttpStatusCode.UnprocessableEntity;
                        if (misread != expected)
                        {
                            failures.Add($"{route} as its owner with the id written '{spelling}': {(int)misread}, expected {(int)expected}");
                        }
                    }
                }
            }
            else if (AdminRoutes.Contains(key))
            {
                await ExpectAsync(route, "a user", stranger.Access, HttpStatusCode.Forbidden);
                await ExpectAsync(route, "nobody", null, HttpStatusCode.Unauthorized);
            }
            else if (OwnScopeRoutes.Contains(key))
            {
                await ExpectAsync(route, "nobody", null, HttpStatusCode.Unauthorized);
            }
            else if (!PublicRoutes.Contains(key))
            {
                failures.Add($"{route} is not in the ownership matrix: add it to one of its route sets (or give it a transcription id)");
            }
        }

        // Lists are the caller's own: the stranger's never shows the owner's transcription.
        foreach (var list in new[] { "/api/v1/transcriptions", "/transcriptions" })
        {
            using var response = await api.GetAsync(list, stranger.Access);
            var items = (await ApiSession.ReadObjectAsync(response))["transcriptions"]!.AsArray();
            Assert.DoesNotContain(items, t => t!["id"]!.GetValue<int>() == id);
        }

        output.WriteLine($"ownership matrix: {routes.Count} routes, {checks} checks");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal("queued", (await api.GetTranscriptionAsync(owner.Access, id))["current_state"]!.GetValue<string>());
    }

    /// <summary>An id spelt as a lenient parser would still read it: sign, surrounding space, group separator.</summary>
    private static readonly Func<string, string>[] IdSpellings =
        [id => "+" + id, id => id + "%20", id => "%20" + id, id => id[..1] + "," + id[1..], id => id + ",0"];

    [Fact]
    public async Task The_web_app_keeps_to_its_owner()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        var (_, strangerName, _) = await api.NewUserAsync();
        using var stranger = new Web.WebForms(fixture);
        await stranger.SignInOkAsync(strangerName);
        using var nobody = new Web.WebForms(fixture);

        var failures = new List<string>();
        async Task ExpectAsync(Web.WebForms who, string whoName, string path, HttpStatusCode expected)
        {
            using var response = await who.Http.GetAsync(path, ApiSession.Cancellation);
            if (response.StatusCode != expected)
            {
                failures.Add($"GET {path} as {whoName}: {(int)response.StatusCode}, expected {(int)expected}");
            }
        }

        foreach (var path in new[] { $"/transcriptions/{id}", $"/transcriptions/{id}?t=1", $"/media/transcriptions/{id}/audio", $"/media/transcriptions/{id}/export?format=txt" })
        {
            await ExpectAsync(stranger, "another user", path, HttpStatusCode.NotFound);
        }

        await ExpectAsync(nobody, "nobody", $"/transcriptions/{id}", HttpStatusCode.Redirect); // to the sign-in page
        await ExpectAsync(nobody, "nobody", $"/media/transcriptions/{id}/audio", HttpStatusCode.Unauthorized);

        // The web app's form posts: without the form's antiforgery token none acts, whoever sends it.
        foreach (var (who, whoName) in new[] { (stranger, "a signed-in user"), (nobody, "nobody") })
        {
            foreach (var form in new[] { "/account/logout", "/account/login", "/account/register" })
            {
                using var forged = await who.Http.PostAsync(form, new FormUrlEncodedContent([new("Input.Username", strangerName), new("Input.Password", ApiSession.GoodPassword)]), ApiSession.Cancellation);
                if (forged.StatusCode != HttpStatusCode.BadRequest)
                {
                    failures.Add($"POST {form} without antiforgery token as {whoName}: {(int)forged.StatusCode}, expected 400");
                }
            }
        }

        using (var stillSignedIn = await stranger.Http.GetAsync("/", ApiSession.Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, stillSignedIn.StatusCode); // the forged sign-out ended nothing
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>The status only: a live stream (SSE) or a file is not read.</summary>
    private static async Task<HttpStatusCode> StatusAsync(ApiSession api, ApiRoute route, string target, string? bearer, string? workerKey)
    {
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), target);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (workerKey is not null)
        {
            request.Headers.Add(WorkerApi.KeyHeader, workerKey);
        }

        if (route.TakesJson)
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await api.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ApiSession.Cancellation);
        return response.StatusCode;
    }
}
