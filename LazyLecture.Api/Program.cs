using LazyLecture.Api.ApiKeys;
using LazyLecture.Api.Auth;
using LazyLecture.Api.Compat;
using LazyLecture.Api.Courses;
using LazyLecture.Api.Errors;
using LazyLecture.Api.Extensions;
using LazyLecture.Api.OpenAi;
using LazyLecture.Api.Security;
using LazyLecture.Api.Sharing;
using LazyLecture.Api.Transcriptions;
using LazyLecture.Api.Transcriptions.Internal;
using LazyLecture.Api.Transcriptions.Live;
using LazyLecture.Api.Users;
using LazyLecture.Api.Validation;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddHttpSecurity();

var app = builder.Build();

app.UseForwardedHeaders();
app.UseHttpSecurity();
app.UseExceptionHandler();
app.UseStatusCodeProblems();
app.UseUnreadableRequestChecks();
app.UseNumericQueryChecks();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapDefaultEndpoints();
app.MapApiDocumentation();
app.MapAuthApi();
app.MapUsersApi();
app.MapApiKeysApi();
app.MapTranscriptionsApi();
app.MapCoursesApi();
app.MapShareLinksApi();
app.MapSharedContentApi();
app.MapLiveProgressApi();
app.MapWorkerApi();
app.MapAuthCompatApi();
app.MapTranscriptionsCompatApi();
app.MapOpenAiApi();

app.Run();
