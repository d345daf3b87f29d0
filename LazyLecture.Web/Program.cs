using LazyLecture.ServiceDefaults.Security;
using LazyLecture.Web.Components;
using LazyLecture.Web.Extensions;
using LazyLecture.Web.Media;
using LazyLecture.Web.Sessions;
using LazyLecture.Web.Sharing;

var builder = WebApplication.CreateBuilder(args);

// The framework's scripts (_framework/blazor.web.js) come from the build's static web assets manifest; Aspire starts
// the app with `dotnet run` from the project folder, where they are only found through that manifest (a no-op once published).
builder.WebHost.UseStaticWebAssets();

builder.AddServiceDefaults();
builder.AddWebApp();

var app = builder.Build();

app.UseForwardedHeaders();
app.UseSecurityHeaders(WebAppExtensions.PagePolicy);
app.UseSharedLinkHeaders();
app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found");
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapAccountEndpoints();
app.MapMediaEndpoints();
app.MapSharedMediaEndpoints();
// The page policy (WebAppExtensions.PagePolicy, frame-ancestors 'none' included) replaces Blazor's own frame-ancestors-only one.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);

app.Run();
