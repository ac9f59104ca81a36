using System.Security.Cryptography;
using Identity.Accounts;
using Identity.Connect;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;
using Subsidy.ServiceDefaults.Auth;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Identity.Apis;

public sealed record ClientView(
    string ClientId,
    string DisplayName,
    string Role,
    string RoleName,
    string Scope,
    bool Enabled
)
{
    public static ClientView Of(MachineClient c) =>
        new(c.ClientId, c.DisplayName, c.Role, Roles.DisplayName(c.Role), c.Scope, c.Enabled);
}

public sealed record NewClient(string? ClientId, string? DisplayName, string? Role, string? Scope);

/// <summary>The secret is shown once, to the administrator who puts it in the script's
/// configuration.</summary>
public sealed record IssuedSecret(ClientView Client, string ClientSecret);

/// <summary>
/// Machine clients (docs/design/08-access-and-roles.md): a county's upload script signs in with
/// client credentials and acts with the role and scope given here, administered like accounts and
/// audited the same way.
/// </summary>
public static class ClientsApi
{
    public static RouteGroupBuilder MapClientsApi(this RouteGroupBuilder accounts)
    {
        var clients = accounts.MapGroup("/clients");
        clients.MapGet("/", List);
        clients.MapPost("/", Create);
        clients.MapPost("/{clientId}/disable", Disable);
        clients.MapPost("/{clientId}/secret", NewSecret);
        return clients;
    }

    public static async Task<Results<Ok<List<ClientView>>, ProblemHttpResult>> List(
        HttpContext http,
        IOpenIddictApplicationManager applications,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (!AccountRules.IsAdministrator(caller))
            return Forbidden(caller);
        var views = new List<ClientView>();
        await foreach (
            var application in applications.ListAsync(count: null, offset: null, cancellationToken)
        )
        {
            if (
                await MachineClient.ReadAsync(applications, application, cancellationToken)
                    is { } client
                && caller.Covers(client.Scope)
            )
                views.Add(ClientView.Of(client));
        }
        return TypedResults.Ok(views.OrderBy(v => v.ClientId).ToList());
    }

    public static async Task<
        Results<Created<IssuedSecret>, ValidationProblem, ProblemHttpResult>
    > Create(
        NewClient request,
        HttpContext http,
        IOpenIddictApplicationManager applications,
        AccountChanges changes,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (!AccountRules.IsAdministrator(caller))
            return Forbidden(caller);
        var errors = AccountRules.Validate(
            caller,
            request.ClientId,
            request.DisplayName,
            request.Role,
            request.Scope,
            creating: true
        );
        if (request.Role is Roles.CountyBureau or Roles.CityBureau)
            errors.Add(("role", "机器客户端不能持有人社局的管理角色。"));
        if (errors.Count > 0)
            return errors.Any(e => e.Message.Contains("管辖范围（", StringComparison.Ordinal))
                ? Problems.OutOfScope(caller, request.Scope!)
                : Problems.Invalid(errors);
        var clientId = request.ClientId!.Trim().ToLowerInvariant();
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not null)
            return Problems.Conflict($"客户端标识 {clientId} 已被使用，请换一个。");

        var secret = NewSecretValue();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = request.DisplayName!.Trim(),
        };
        descriptor.Permissions.UnionWith(MachineClient.Permissions);
        MachineClient.Write(descriptor, request.Role!, request.Scope!, enabled: true);
        await changes.RunAsync(
            async scope =>
            {
                await applications.CreateAsync(descriptor, cancellationToken);
                await scope.AuditAsync(
                    caller.UserId,
                    caller.Role,
                    clientId,
                    request.Scope!,
                    "client-create",
                    null,
                    $"{descriptor.DisplayName}，{Roles.DisplayName(request.Role!)}，{request.Scope}",
                    null,
                    cancellationToken
                );
                return true;
            },
            cancellationToken
        );
        var view = new ClientView(
            clientId,
            descriptor.DisplayName,
            request.Role!,
            Roles.DisplayName(request.Role!),
            request.Scope!,
            true
        );
        return TypedResults.Created(
            $"/api/accounts/clients/{clientId}",
            new IssuedSecret(view, secret)
        );
    }

    public static async Task<Results<Ok<ClientView>, ProblemHttpResult>> Disable(
        string clientId,
        Reason? reason,
        HttpContext http,
        IOpenIddictApplicationManager applications,
        IOpenIddictTokenManager tokens,
        AccountChanges changes,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (!AccountRules.IsAdministrator(caller))
            return Forbidden(caller);
        if (await Administered(caller, applications, clientId, cancellationToken) is not { } found)
            return NotFound(clientId);
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, found.Application, cancellationToken);
        MachineClient.Write(descriptor, found.Client.Role, found.Client.Scope, enabled: false);
        await changes.RunAsync(
            async scope =>
            {
                await applications.UpdateAsync(found.Application, descriptor, cancellationToken);
                await tokens.RevokeBySubjectAsync(found.Client.ClientId, cancellationToken);
                await scope.RevokeAccessAsync(found.Client.ClientId, cancellationToken);
                await scope.AuditAsync(
                    caller.UserId,
                    caller.Role,
                    found.Client.ClientId,
                    found.Client.Scope,
                    "client-disable",
                    "启用",
                    "停用",
                    reason?.Text,
                    cancellationToken
                );
                return true;
            },
            cancellationToken
        );
        return TypedResults.Ok(ClientView.Of(found.Client with { Enabled = false }));
    }

    public static async Task<Results<Ok<IssuedSecret>, ProblemHttpResult>> NewSecret(
        string clientId,
        HttpContext http,
        IOpenIddictApplicationManager applications,
        AccountChanges changes,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (!AccountRules.IsAdministrator(caller))
            return Forbidden(caller);
        if (await Administered(caller, applications, clientId, cancellationToken) is not { } found)
            return NotFound(clientId);
        var secret = NewSecretValue();
        await changes.RunAsync(
            async scope =>
            {
                await applications.UpdateAsync(found.Application, secret, cancellationToken);
                await scope.AuditAsync(
                    caller.UserId,
                    caller.Role,
                    found.Client.ClientId,
                    found.Client.Scope,
                    "client-secret",
                    null,
                    "已更换密钥",
                    null,
                    cancellationToken
                );
                return true;
            },
            cancellationToken
        );
        return TypedResults.Ok(new IssuedSecret(ClientView.Of(found.Client), secret));
    }

    private static async Task<(object Application, MachineClient Client)?> Administered(
        Caller caller,
        IOpenIddictApplicationManager applications,
        string clientId,
        CancellationToken cancellationToken
    )
    {
        var application =
            clientId.Length <= AccountRules.MaxUserNameLength
                ? await applications.FindByClientIdAsync(
                    clientId.ToLowerInvariant(),
                    cancellationToken
                )
                : null;
        var client = application is null
            ? null
            : await MachineClient.ReadAsync(applications, application, cancellationToken);
        return client is not null && caller.Covers(client.Scope) ? (application!, client) : null;
    }

    private static string NewSecretValue() =>
        Convert
            .ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=')
            .Replace('+', '-')
            .Replace('/', '_');

    private static ProblemHttpResult Forbidden(Caller caller) =>
        Problems.Forbidden(
            $"客户端管理仅限县人社局和市人社局，当前角色为{Roles.DisplayName(caller.Role)}。"
        );

    private static ProblemHttpResult NotFound(string clientId) =>
        Problems.NotFound($"您管辖的客户端中没有 {clientId}。");
}
