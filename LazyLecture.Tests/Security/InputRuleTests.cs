using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using LazyLecture.Tests.OpenAi;
using Xunit;

namespace LazyLecture.Tests.Security;

/// <summary>How the API reads numbers, ids, roles, passwords and names: one strict reading, whoever sends them.</summary>
public sealed class InputRuleTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    /// <summary>Numbers written with a group or decimal comma, which a culture-aware reading turns into other numbers (1,5 → 15).</summary>
    public static TheoryData<string, string, string> CommaNumbers => new()
    {
        { "POST", "/api/v1/transcriptions?chunk_size_secs=1%2C5", "chunk_size_secs" },
        { "POST", "/api/v1/transcriptions?chunk_size_secs=10,5", "chunk_size_secs" },
        { "POST", "/api/v1/transcriptions?chunk_size_secs=1,000", "chunk_size_secs" },
        { "GET", "/api/v1/transcriptions?page=1,0", "page" },
        { "GET", "/api/v1/transcriptions?size=1,000", "size" },
        { "GET", "/api/v1/transcriptions/search?q=lecture&page=1,0", "page" },
        { "GET", "/api/v1/transcriptions/{id}/chunks?size=1,0", "size" },
        { "GET", "/api/v1/transcriptions/{id}/segments?page=1,0", "page" },
        { "GET", "/api/v1/transcriptions/{id}/export?format=srt&max_words=1,0", "max_words" },
        { "GET", "/api/v1/transcriptions/{id}/export?format=srt&max_line_length=1,000", "max_line_length" },
        { "GET", "/transcriptions?page=1,0", "page" },
        { "GET", "/transcript?task_id={id},0", "task_id" },
        { "GET", "/transcript/info?transcript_id=1,{id}", "transcript_id" },
    };

    [Theory]
    [MemberData(nameof(CommaNumbers))]
    public async Task A_number_with_a_comma_is_refused_with_422_naming_the_parameter(string method, string target, string parameter)
    {
        using var api = new ApiSession(fixture);
        var (userId, owner) = await api.NewUploaderAsync();
        var id = method == "POST" ? 0 : await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        using var request = new HttpRequestMessage(new HttpMethod(method), target.Replace("{id}", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        request.Headers.Authorization = new("Bearer", owner.Access);
        if (method == "POST")
        {
            request.Content = BadUploads.FileUpload(TranscriptionClient.Jfk, "lecture.wav");
        }

        using var response = await api.Http.SendAsync(request, ApiSession.Cancellation);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, target);
        Assert.True(problem["errors"]?[parameter] is not null, $"{target}: the problem names no '{parameter}': {problem.ToJsonString()}");
        Assert.Equal(method == "POST" ? 0 : 1, await ProblemAssert.TranscriptionCountAsync(fixture, userId));
    }

    [Theory]
    [InlineData("0,5")]
    [InlineData("1,0")]
    public async Task An_openai_number_with_a_comma_is_refused_in_openais_shape_naming_the_parameter(string temperature)
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var (_, key) = await api.CreateApiKeyAsync(owner.Access);
        using var openAiForm = new MultipartFormDataContent
        {
            { new ByteArrayContent(TranscriptionClient.Jfk), "file", "lecture.wav" },
            { new StringContent("whisper-1"), "model" },
            { new StringContent(temperature), "temperature" },
        };

        using var response = await api.SendAsync(HttpMethod.Post, "/v1/audio/transcriptions", openAiForm, key);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ApiSession.Cancellation))!;
        Assert.True((int)response.StatusCode is 400 or 422, $"temperature={temperature}: {(int)response.StatusCode} {body.ToJsonString()}");
        Assert.Equal("temperature", body["error"]?["param"]?.GetValue<string>());
    }

    /// <summary>Ids written other than as plain digits, which a lenient reading takes for the owner's id.</summary>
    public static TheoryData<string> IdSpellings => ["+{id}", "{id}%20", "%20{id}", "{id}.0", "{id},0"];

    [Theory]
    [MemberData(nameof(IdSpellings))]
    public async Task A_route_id_takes_plain_digits_only(string spelling)
    {
        using var api = new ApiSession(fixture);
        var (userId, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        var admin = await api.LoginAsAdminAsync();
        string Spell(int value) => spelling.Replace("{id}", value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        foreach (var (path, token) in new[]
                 {
                     ($"/api/v1/transcriptions/{Spell(id)}", owner.Access),
                     ($"/api/v1/transcriptions/{Spell(id)}/audio", owner.Access),
                     ($"/api/v1/users/{Spell(userId)}", admin.Access),
                     ($"/api/v1/users/{Spell(userId)}/api-keys", admin.Access),
                 })
        {
            using var response = await api.GetAsync(path, token);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, path);
        }
    }

    [Theory]
    [InlineData("admin ")]
    [InlineData(" admin")]
    [InlineData("Admin")]
    [InlineData("ADMIN")]
    [InlineData("aDmIn")]
    public async Task A_role_is_accepted_only_as_written(string role)
    {
        using var api = new ApiSession(fixture);
        var (userId, _, _) = await api.NewUserAsync();
        var admin = await api.LoginAsAdminAsync();

        using var response = await api.SendAsync(HttpMethod.Patch, $"/api/v1/users/{userId}", JsonContent.Create(new { role }), admin.Access);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"role '{role}': {(int)response.StatusCode}");
        using var user = await api.GetAsync($"/api/v1/users/{userId}", admin.Access);
        Assert.Equal("user", (await ApiSession.ReadObjectAsync(user))["role"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(int.MaxValue)]
    public async Task The_api_keys_of_a_user_that_does_not_exist_are_not_found(int userId)
    {
        using var api = new ApiSession(fixture);
        var admin = await api.LoginAsAdminAsync();

        using var response = await api.GetAsync($"/api/v1/users/{userId}/api-keys", admin.Access);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, $"user {userId}'s keys");
    }

    /// <summary>Passwords that pass every rule of the original except that they hold characters no password may hold.</summary>
    public static TheoryData<string> UnfitPasswords => ["Good-pass1!\0x", "Good-pass1!\u202Ex", "Good-pass1!\u200Fx", "Good-pass1!\u0007x", "Good-pass1!\u2066x"];

    [Theory]
    [MemberData(nameof(UnfitPasswords))]
    public async Task No_one_may_set_a_password_with_control_or_direction_characters(string password)
    {
        using var api = new ApiSession(fixture);
        var (userId, username, tokens) = await api.NewUserAsync();
        var admin = await api.LoginAsAdminAsync();

        using var byAdmin = await api.SendAsync(HttpMethod.Patch, $"/api/v1/users/{userId}", JsonContent.Create(new { password }), admin.Access);
        using var byOwner = await api.SendAsync(HttpMethod.Put, "/api/v1/users/me/password",
            JsonContent.Create(new { current_password = ApiSession.GoodPassword, new_password = password }, options: ApiSession.Json), tokens.Access);
        using var bySignUp = await api.PostJsonAsync("/api/v1/users", new { username = ApiSession.NewUsername(), password });

        foreach (var (who, response) in new[] { ("the administrator", byAdmin), ("the owner", byOwner), ("a new user", bySignUp) })
        {
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{who}: {(int)response.StatusCode}");
        }

        await api.LoginAsync(username); // the old password still holds
    }

    [Theory]
    [InlineData("evil\u202Etxt.exe")]
    [InlineData("left\u200Eto")]
    [InlineData("bell\u0007")]
    [InlineData("line\nbreak")]
    [InlineData("isolate\u2067x")]
    public async Task An_api_key_name_with_control_or_direction_characters_is_refused(string name)
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();

        using var response = await api.PostJsonAsync("/api/v1/users/me/api-keys", new { name }, tokens.Access);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "key name");
        Assert.NotNull(problem["errors"]?["name"]);
        using var list = await api.GetAsync("/api/v1/users/me/api-keys", tokens.Access);
        Assert.Empty(JsonNode.Parse(await list.Content.ReadAsStringAsync(ApiSession.Cancellation))!.AsArray());
    }
}
