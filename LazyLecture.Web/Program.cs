using LazyLecture.Web.Components;
using LazyLecture.Web.Extensions;
using LazyLecture.Web.Media;
using LazyLecture.Web.Sessions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebApp();

var app = builder.Build();

app.UseForwardedHeaders();
app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found");
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapAccountEndpoints();
app.MapMediaEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
