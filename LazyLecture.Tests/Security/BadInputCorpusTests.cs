using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LazyLecture.Contracts.Jobs;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Security;

/// <summary>
/// Bad input against every route of the API's route table (its OpenAPI document): malformed and mistyped values in every
/// path, query and body parameter, wrong content types, oversized bodies, broken uploads and unusable audio. Every answer
/// is a 4xx Problem Details (a GET may also answer 200, reading with an odd filter being harmless, and a write may answer
/// 2xx if it changed nothing), never a 5xx, and afterwards the database and the audio store are exactly as before. The
/// only 4xx without Problem Details are Kestrel's own refusals of request lines it cannot parse, which no application sees. Runs alone so the snapshot sees only its own requests.
/// </summary>
[Collection(nameof(SerialTests))]
public sealed class BadInputCorpusTests(AppHostFixture fixture, ITestOutputHelper output)
{
    private sealed record Case(string Description, string Method, string PathAndQuery, Func<HttpContent?> Body, string Credential)
    {
        public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

        /// <summary>A value that must be refused even by a read: a number a lenient reading would take for another (1,5 → 15).</summary>
        public bool MustRefuse { get; init; }
    }

    private sealed record Baseline(string OwnerToken, string UploaderToken, string AdminToken, string WorkerKey, int OwnerId, int Active, int Finished)
    {
        /// <summary>The owner's course, a share link of the active job and its token.</summary>
        public (int CourseId, int ShareLinkId, string ShareToken) Sharing { get; init; }
    }

    [Fact]
    public async Task No_bad_input_on_any_route_gets_a_5xx_or_changes_anything()
    {
        using var setup = new ApiSession(fixture);
        var routes = await RouteTable.LoadAsync(setup);
        var baseline = await PrepareAsync(setup);
        var audio = await BadUploads.AudioAsync();
        var cases = routes.SelectMany(route => CasesFor(route, baseline, audio)).Concat(UnknownRouteCases()).ToList();
        var before = await StateSnapshot.TakeAsync(fixture);

        var failures = new List<string>();
        var verdicts = new Dictionary<string, int>();
        foreach (var corpusCase in cases)
        {
            var verdict = await SendAsync(corpusCase, baseline);
            if (verdict == "no-op?")
            {
                // A write that answered 2xx is acceptable only if it changed nothing (a PATCH with no field to change, say).
                var changed = StateSnapshot.Differences(before, await StateSnapshot.TakeAsync(fixture));
                verdict = changed.Count == 0 ? "no-op" : "changed stored state: " + string.Join("; ", changed);
            }

            if (corpusCase.MustRefuse && verdict is "read" or "no-op")
            {
                verdict = "accepted a number written with a comma (" + verdict + ")";
            }

            verdicts[verdict] = verdicts.GetValueOrDefault(verdict) + 1;
            if (verdict is not ("refused" or "refused by the HTTP server" or "read" or "no-op"))
            {
                failures.Add($"{corpusCase.Method} {Shorten(corpusCase.PathAndQuery)} [{corpusCase.Description}]: {verdict}");
            }
        }

        var after = await StateSnapshot.TakeAsync(fixture);
        var summary = $"bad-input corpus: {cases.Count} cases over {routes.Count} routes: {verdicts.GetValueOrDefault("refused")} refused with 4xx Problem Details, "
            + $"{verdicts.GetValueOrDefault("refused by the HTTP server")} refused with 4xx by the HTTP server before the application (NUL or over-long request line), "
            + $"{verdicts.GetValueOrDefault("read")} harmless reads and {verdicts.GetValueOrDefault("no-op")} writes with nothing to change answered 2xx, {failures.Count} failures";
        output.WriteLine(summary);
        TestContext.Current.SendDiagnosticMessage(summary);
        Console.WriteLine(summary);
        Assert.True(failures.Count == 0, summary + Environment.NewLine + string.Join(Environment.NewLine, failures.Take(60)));
        var changes = StateSnapshot.Differences(before, after);
        Assert.True(changes.Count == 0, "the corpus changed stored state: " + string.Join("; ", changes));
    }

    /// <summary>What is typed into the web app's sign-in and sign-up forms (sent as a browser would, form-encoded).</summary>
    private static readonly string[] BadFormValues =
        ["", "\0", "a\0b", new string('a', 10_000), "' OR '1'='1", "../../etc/passwd", "\u202Eadmin", "\u0430dmin", "<script>alert(1)</script>", "-1", "NaN", "1,5", "line\r\nbreak"];

    /// <summary>A valid password that must never come back in a page.</summary>
    private const string FormPassword = "Corpus-secret9!";

    [Fact]
    public async Task No_bad_form_post_to_the_web_app_gets_a_5xx_shows_the_password_or_changes_anything()
    {
        var before = await StateSnapshot.TakeAsync(fixture);
        var failures = new List<string>();
        var cases = 0;
        async Task CheckAsync(string description, Func<Web.WebForms, Task<HttpResponseMessage>> post, string? password, params int[] allowed)
        {
            cases++;
            using var web = new Web.WebForms(fixture);
            using var response = await post(web);
            var body = await response.Content.ReadAsStringAsync(ApiSession.Cancellation);
            var status = (int)response.StatusCode;
            if (!allowed.Contains(status))
            {
                failures.Add($"{description}: answered {status}, expected one of {string.Join(", ", allowed)}");
            }

            if (password is { Length: >= 8 } && (body.Contains(password, StringComparison.Ordinal) || body.Contains(System.Net.WebUtility.HtmlEncode(password), StringComparison.Ordinal)))
            {
                failures.Add($"{description}: the page shows the submitted password");
            }
        }

        foreach (var (page, handler) in new[] { ("/account/login", "login"), ("/account/register", "register") })
        {
            foreach (var value in BadFormValues)
            {
                // The form answers with itself and the reason (200); nothing here is a valid account, so no sign-in redirects.
                await CheckAsync($"{page} username={Shorten(value)}", web => web.PostFormAsync(page, handler, ("Input.Username", value), ("Input.Password", FormPassword)), FormPassword, 200, 400);
                await CheckAsync($"{page} password={Shorten(value)}", web => web.PostFormAsync(page, handler, ("Input.Username", "x"), ("Input.Password", value)), value, 200, 400);
            }

            await CheckAsync($"{page} without its antiforgery token", web => web.Http.PostAsync(page, Form(("_handler", handler), ("Input.Username", "someone"), ("Input.Password", FormPassword)), ApiSession.Cancellation), FormPassword, 400);
            await CheckAsync($"{page} naming no form", web => web.PostFormAsync(page, "", ("Input.Username", "someone"), ("Input.Password", FormPassword)), FormPassword, 400);
            await CheckAsync($"{page} naming another form", web => web.PostFormAsync(page, "no-such-form", ("Input.Username", "someone"), ("Input.Password", FormPassword)), FormPassword, 400);
            await CheckAsync($"{page} as JSON", web => web.Http.PostAsync(page, new StringContent($"{{\"username\":\"someone\",\"password\":\"{FormPassword}\"}}", Encoding.UTF8, "application/json"), ApiSession.Cancellation), FormPassword, 400, 415);
            await CheckAsync($"{page} with a 2 MiB field", web => web.PostFormAsync(page, handler, ("Input.Username", new string('a', 2 * 1024 * 1024)), ("Input.Password", FormPassword)), FormPassword, 200, 400, 413);
            await CheckAsync($"{page} with the field twice", web => web.PostFormAsync(page, handler, ("Input.Username", "x"), ("Input.Password", FormPassword), ("Input.Password", FormPassword + "2")), FormPassword, 200, 400);
        }

        await CheckAsync("/account/logout without its antiforgery token", web => web.Http.PostAsync("/account/logout", Form(("__RequestVerificationToken", "forged")), ApiSession.Cancellation), null, 400);

        var changes = StateSnapshot.Differences(before, await StateSnapshot.TakeAsync(fixture));
        var summary = $"web form corpus: {cases} cases, {failures.Count} failures";
        output.WriteLine(summary);
        Assert.True(failures.Count == 0, summary + Environment.NewLine + string.Join(Environment.NewLine, failures));
        Assert.True(changes.Count == 0, "the web form corpus changed stored state: " + string.Join("; ", changes));
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>An owner with a queued job, an uploader without one, and a cancelled job (the worker routes' target: no state change can succeed on it).</summary>
    private async Task<Baseline> PrepareAsync(ApiSession api)
    {
        var (ownerId, owner) = await api.NewUploaderAsync();
        var active = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        var (_, uploader) = await api.NewUploaderAsync();
        var (_, finishedOwner) = await api.NewUploaderAsync();
        var finished = await api.UploadOkAsync(finishedOwner.Access, TranscriptionClient.Jfk);
        using (var cancel = await api.SendAsync(HttpMethod.Post, $"/api/v1/transcriptions/{finished}/cancel", null, finishedOwner.Access))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var admin = await api.LoginAsAdminAsync();
        var courseId = (await Courses.CourseClient.CreateCourseAsync(api, owner.Access, new { name = "Corpus" }))["id"]!.GetValue<int>();
        var (linkId, shareToken) = await Courses.CourseClient.ShareAsync(api, owner.Access, new { transcription_id = active });
        return new Baseline(owner.Access, uploader.Access, admin.Access, fixture.App.GetParameterValue(Contracts.ResourceNames.WorkerApiKey), ownerId, active, finished)
        {
            Sharing = (courseId, linkId, shareToken),
        };
    }

    /// <summary>Numbers with a decimal or group comma: a culture-aware reading takes 1,5 for 15 and 1,000 for 1000.</summary>
    private static readonly string[] CommaNumbers = ["1,5", "1%2C5", "10,5", "1,000", "1,0", "%2B1,0"];

    private static readonly string[] BadIntegers =
        ["0", "-1", "2147483648", "-2147483649", "99999999999999999999", "abc", "1.5", "1e3", "NaN", "%00", "1%00", "1;DROP%20TABLE%20users",
         "1'%20OR%20'1'%3D'1", "..%2F1", "%EF%BC%91", "%C3%28", new string('9', 5000), .. CommaNumbers];

    private static readonly string[] BadNumbers = ["NaN", "-NaN", "Infinity", "-Infinity", "1e308", "-1", "0", "9", "3601", "abc", "%00", "0x10", .. CommaNumbers];

    private static readonly string[] BadStrings =
        ["%00", "a%00b", new string('a', 10_000), "'%20OR%20'1'%3D'1", "..%2F..%2Fetc%2Fpasswd", "%C3%28", "%FF%FE", "%D0%B0dmin", "%3Cscript%3E", "-1", "NaN"];

    private static readonly string[] BadBooleans = ["maybe", "2", "%00"];

    private static IEnumerable<Case> CasesFor(ApiRoute route, Baseline baseline, IReadOnlyList<(string Name, byte[] Content)> audio)
    {
        var credential = route.IsWorkerRoute ? "worker"
            : route.TakesMultipart ? "uploader"
            : route.Template.Contains("transcri", StringComparison.Ordinal) || route.TakesOwnedCourseOrLink || route.IsSharedRoute
              || route.Template.StartsWith("/api/v1/courses", StringComparison.Ordinal) || route.Template.StartsWith("/api/v1/share-links", StringComparison.Ordinal) ? "owner"
            : "admin";
        var pathValues = route.Parameters.Where(p => p.In == "path").ToDictionary(p => p.Name, p => BaselineValue(route, p, baseline));
        var requiredQuery = route.Parameters.Where(p => p.In == "query" && p.Required).ToDictionary(p => p.Name, p => BaselineValue(route, p, baseline));
        Func<HttpContent?> goodBody = route.TakesMultipart ? () => BadUploads.FileUpload(TranscriptionClient.Jfk, "jfk.wav") : () => null;

        foreach (var parameter in route.Parameters)
        {
            var values = parameter.Type switch
            {
                "integer" => BadIntegers,
                "number" => BadNumbers,
                "boolean" => BadBooleans,
                _ => BadStrings,
            };
            if (parameter.In == "header")
            {
                foreach (var value in values)
                {
                    yield return new Case($"header {parameter.Name}={Shorten(value)}", route.Method, ApiRoute.WithQuery(route.Path(pathValues), requiredQuery), goodBody, credential)
                    {
                        Headers = new Dictionary<string, string> { [parameter.Name] = value },
                    };
                }

                continue;
            }

            if (parameter.Required)
            {
                values = [.. values, "", "(absent)"];
            }

            foreach (var value in values)
            {
                var path = new Dictionary<string, string>(pathValues);
                var query = new Dictionary<string, string>(requiredQuery);
                if (parameter.In == "path")
                {
                    path[parameter.Name] = value == "(absent)" ? "" : value;
                }
                else if (value == "(absent)")
                {
                    query.Remove(parameter.Name);
                }
                else
                {
                    query[parameter.Name] = value;
                }

                yield return new Case($"{parameter.In} {parameter.Name}={Shorten(value)}", route.Method, ApiRoute.WithQuery(route.Path(path), query), goodBody, credential)
                {
                    MustRefuse = parameter.Type is "integer" or "number" && CommaNumbers.Contains(value),
                };
            }
        }

        var target = ApiRoute.WithQuery(route.Path(pathValues), requiredQuery);
        if (route.TakesJson)
        {
            foreach (var (description, body) in JsonBodies(route))
            {
                yield return new Case(description, route.Method, target, body, credential);
            }
        }

        if (route.TakesMultipart)
        {
            foreach (var kind in BadUploads.BrokenMultipartKinds)
            {
                yield return new Case("multipart " + kind, route.Method, target, () => BadUploads.BrokenMultipart(kind), credential);
            }

            foreach (var (name, content) in audio)
            {
                yield return new Case("audio: " + name, route.Method, target, () => BadUploads.FileUpload(content), credential);
            }

            yield return new Case("upload over the size limit", route.Method, target, () => BadUploads.FileUpload(new byte[AppHostFixture.MaxUploadBytes + 1]), credential);
            yield return new Case("file in another field", route.Method, target, () => Multipart(("other", TranscriptionClient.Jfk)), credential);
            yield return new Case("two files", route.Method, target, () => Multipart(("audiofile", TranscriptionClient.Jfk), ("audiofile", TranscriptionClient.Jfk)), credential);
            yield return new Case("JSON instead of multipart", route.Method, target, () => new StringContent("{\"audiofile\": \"x\"}", Encoding.UTF8, "application/json"), credential);
            yield return new Case("no body", route.Method, target, () => null, credential);
        }
    }

    private static IEnumerable<(string Description, Func<HttpContent?> Body)> JsonBodies(ApiRoute route)
    {
        var raw = new (string Name, byte[] Bytes)[]
        {
            ("empty body", []),
            ("truncated JSON", "{\"a\":"u8.ToArray()),
            ("unclosed object", "{"u8.ToArray()),
            ("array", "[]"u8.ToArray()),
            ("null", "null"u8.ToArray()),
            ("number", "123"u8.ToArray()),
            ("string", "\"text\""u8.ToArray()),
            ("empty object (every field missing)", "{}"u8.ToArray()),
            ("only an unknown field", "{\"unexpected_field\": 1}"u8.ToArray()),
            ("invalid UTF-8", [.. "{\""u8, 0xFF, 0xFE, .. "\": 1}"u8]),
            ("raw NUL byte", [.. "{\"a\0\": 1}"u8]),
            ("nesting 10 000 deep", Encoding.ASCII.GetBytes(new string('[', 10_000) + new string(']', 10_000))),
            ("2 MiB body", Encoding.ASCII.GetBytes("{\"x\": \"" + new string('a', 2 * 1024 * 1024) + "\"}")),
        };
        foreach (var (name, bytes) in raw)
        {
            yield return ("JSON " + name, () => Json(bytes, "application/json"));
        }

        yield return ("JSON sent as text/plain", () => Json("{}"u8.ToArray(), "text/plain"));
        yield return ("XML", () => Json("<user><name>a</name></user>"u8.ToArray(), "application/xml"));
        yield return ("JSON without a content type", () => Json("{}"u8.ToArray(), null));
        yield return ("JSON in an unknown charset", () => Json("{}"u8.ToArray(), "application/json; charset=ebcdic"));

        foreach (var (property, type) in route.BodyProperties)
        {
            foreach (var value in WrongJsonValues(type))
            {
                yield return ($"JSON {property}: {Shorten(value)}", () => Json(Encoding.UTF8.GetBytes($"{{\"{property}\": {value}}}"), "application/json"));
            }
        }
    }

    /// <summary>Values of the wrong type for a property, and for text, values no rule of the API lets through.</summary>
    private static string[] WrongJsonValues(string type) => type switch
    {
        "integer" => ["\"text\"", "true", "{}", "[]", "-1", "1e308", "1.5", "99999999999999999999", "\"NaN\""],
        "number" => ["\"text\"", "true", "{}", "[]", "-1", "1e308", "-1e308", "\"NaN\"", "\"Infinity\""],
        "boolean" => ["123", "\"text\"", "{}", "[]", "\"true\"", "0"],
        "array" => ["123", "\"text\"", "{}", "[123]", "[null]", "[\"x\"]", "[{\"start\": \"a\"}]", "[{\"start\": 5, \"end\": 1, \"text\": \"x\"}]"],
        "object" => ["123", "\"text\"", "[]"],
        _ => ["123", "true", "{}", "[]", "\"" + new string('a', 100_000) + "\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"' OR 1=1 --\"", "\"../../etc/passwd\"", "\"\\u0430dmin\""],
    };

    private static IEnumerable<Case> UnknownRouteCases() =>
        new[] { "/api/v1/transcriptions/1/unknown", "/%00", "/api/v1/../../etc/passwd", "/api/v1/users/me/..%2f..%2fadmin", "/" + new string('a', 3000), "/api/v2/users/me" }
            .Select(path => new Case("unknown route", "GET", path, () => null, "admin"));

    private static string BaselineValue(ApiRoute route, RouteParameter parameter, Baseline baseline) => parameter.Name switch
    {
        "id" or "task_id" or "transcript_id" when route.IsWorkerRoute => baseline.Finished.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "id" when route.Template.StartsWith("/api/v1/users", StringComparison.Ordinal) => baseline.OwnerId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "user_id" => baseline.OwnerId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "id" or "task_id" or "transcript_id" => baseline.Active.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "format" => "txt",
        "q" => "lecture",
        "courseId" => baseline.Sharing.CourseId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "shareLinkId" => baseline.Sharing.ShareLinkId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "token" => baseline.Sharing.ShareToken,
        _ => parameter.Type is "integer" or "number" ? "1" : "x",
    };

    private async Task<string> SendAsync(Case corpusCase, Baseline baseline)
    {
        // A client address of its own per case: the per-address limits of the auth routes would otherwise answer 429 to most of them.
        using var api = new ApiSession(fixture);
        using var request = new HttpRequestMessage(new HttpMethod(corpusCase.Method), corpusCase.PathAndQuery) { Content = corpusCase.Body() };
        // The server may refuse a body (413) before reading it; announced with Expect: 100-continue, the client waits for
        // that answer instead of losing it to a connection closed under a body still being sent.
        request.Headers.ExpectContinue = request.Content is not null;
        foreach (var (name, value) in corpusCase.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        switch (corpusCase.Credential)
        {
            case "worker":
                request.Headers.Add(WorkerApi.KeyHeader, baseline.WorkerKey);
                break;
            default:
                var token = corpusCase.Credential switch { "owner" => baseline.OwnerToken, "uploader" => baseline.UploaderToken, _ => baseline.AdminToken };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                break;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ApiSession.Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        HttpResponseMessage response;
        try
        {
            response = await api.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ApiSession.Cancellation.IsCancellationRequested)
        {
            return $"no answer ({ex.GetType().Name}: {ex.Message})";
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return corpusCase.Method == "GET" ? "read" : "no-op?";
            }

            var body = status >= 500 ? await response.Content.ReadAsStringAsync(timeout.Token) : "";
            if (status is < 400 or >= 500)
            {
                return $"answered {status} {Shorten(body)}";
            }

            if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            {
                return "refused";
            }

            // The OpenAI-compatible routes answer errors in OpenAI's shape, which is what their clients parse.
            if (corpusCase.PathAndQuery.StartsWith("/v1/", StringComparison.Ordinal)
                && response.Content.Headers.ContentType?.MediaType == "application/json"
                && System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token))?["error"]?["message"] is not null)
            {
                return "refused";
            }

            // Kestrel refuses a request line it cannot parse (a NUL in the path, a line over its limit) before any
            // application code runs, so such an answer has neither a body nor the headers the application sets on all of its own.
            return status is 400 or 414 or 431 && !response.Headers.Contains("X-Content-Type-Options")
                ? "refused by the HTTP server"
                : $"answered {status} as {response.Content.Headers.ContentType?.MediaType ?? "an empty body"}, not Problem Details";
        }
    }

    private static HttpContent Json(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return content;
    }

    private static MultipartFormDataContent Multipart(params (string Field, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, content) in files)
        {
            form.Add(new ByteArrayContent(content), field, "lecture.wav");
        }

        return form;
    }

    private static string Shorten(string value) => value.Length > 60 ? value[..40] + $"…({value.Length} chars)" : value;
}
