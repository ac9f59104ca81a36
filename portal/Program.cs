using Portal;
using Portal.Components;
using Portal.Gateway;
using Portal.SignIn;

var builder = WebApplication.CreateBuilder(args);

// The component library's files (_content/AntDesign) are served from the build's static web assets
// in every environment the system runs in from its build output (Testing and Production too, not
// only Development).
builder.WebHost.UseStaticWebAssets();
builder.AddServiceDefaults();
builder.AddPortalServices();

var app = builder.Build();

// A failure answers with the Chinese problem of ServiceDefaults (nothing of the exception); pages
// that do not exist show the portal's own page.
app.UseExceptionHandler();
app.UseForwardedHeaders();
app.UseStatusCodePagesWithReExecute("/not-found");
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.UseUserSessions();
app.MapDefaultEndpoints();
app.MapStaticAssets().AllowAnonymous();
app.MapSignInEndpoints();
app.MapFileEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();

public partial class Program;
