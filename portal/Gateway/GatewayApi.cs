using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.SignIn;

namespace Portal.Gateway;

/// <summary>
/// What the gateway answered: the value, or the refusal with its Chinese reason and the fields it
/// names.
/// </summary>
public sealed record ApiResult<T>(
    T? Value,
    HttpStatusCode Status,
    string? Message,
    IReadOnlyDictionary<string, string[]> FieldErrors
)
{
    public bool Ok => (int)Status is >= 200 and < 300;
    public bool Forbidden => Status == HttpStatusCode.Forbidden;
    public bool NotFound => Status == HttpStatusCode.NotFound;

    /// <summary>The reason to show: the problem's detail, else every field message.</summary>
    public string Reason =>
        Message
        ?? (
            FieldErrors.Count > 0
                ? string.Join("；", FieldErrors.SelectMany(e => e.Value))
                : $"请求未成功（{(int)Status}）。"
        );

    public string? ErrorAt(string field) =>
        FieldErrors.TryGetValue(field, out var messages) ? string.Join("；", messages) : null;
}

public sealed record ListPage<T>(IReadOnlyList<T> Items, int Total);

/// <summary>
/// The portal's only way to the system: the gateway's public API, called with the signed-in user's
/// own token. The portal decides nothing: what is allowed, and why not, is what the services
/// answer.
/// </summary>
public sealed class GatewayApi(
    IHttpClientFactory clients,
    AuthenticationStateProvider authentication,
    UserSessions sessions,
    NavigationManager navigation
)
{
    public const string ClientName = "gateway";

    // Not the services' StoredJson: these read and write the gateway's public API, where a number
    // may arrive as a string and a result's flags in more than one shape; the portal's models hold
    // codes as strings, not enums.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        Converters = { new CodeListConverter() },
    };

    private PortalUser? _user;

    public async Task<PortalUser?> UserAsync()
    {
        if (_user is not null)
            return _user;
        var state = await authentication.GetAuthenticationStateAsync();
        return _user = PortalUser.From(state.User);
    }

    public Task<ApiResult<T>> GetAsync<T>(
        string path,
        CancellationToken cancellationToken = default
    ) => SendAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    public Task<ApiResult<T>> PostAsync<T>(
        string path,
        object? body = null,
        CancellationToken cancellationToken = default
    ) =>
        SendAsync<T>(
            HttpMethod.Post,
            path,
            JsonContent.Create(body ?? new { }, options: Json),
            cancellationToken
        );

    public Task<ApiResult<T>> PutAsync<T>(
        string path,
        object body,
        CancellationToken cancellationToken = default
    ) =>
        SendAsync<T>(
            HttpMethod.Put,
            path,
            JsonContent.Create(body, options: Json),
            cancellationToken
        );

    /// <summary>A text answer (a CSV report), at most <paramref name="maxLines"/> lines of
    /// it.</summary>
    public async Task<ApiResult<List<string>>> GetLinesAsync(
        string path,
        int maxLines,
        CancellationToken cancellationToken = default
    )
    {
        var user = await UserAsync();
        if (
            (user is null ? null : await sessions.FindAsync(user.SessionId, cancellationToken))
            is not { } session
        )
        {
            return new ApiResult<List<string>>(
                null,
                HttpStatusCode.Unauthorized,
                "登录已过期，请重新登录。",
                Empty
            );
        }
        using var request = Request(HttpMethod.Get, path, session);
        using var response = await clients
            .CreateClient(ClientName)
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await ReadProblemAsync(response, cancellationToken);
            return new ApiResult<List<string>>(null, response.StatusCode, problem.Detail, Empty);
        }
        using var reader = new StreamReader(
            await response.Content.ReadAsStreamAsync(cancellationToken)
        );
        var lines = new List<string>();
        while (lines.Count < maxLines && await reader.ReadLineAsync(cancellationToken) is { } line)
            lines.Add(line);
        return new ApiResult<List<string>>(lines, response.StatusCode, null, Empty);
    }

    /// <summary>One page of a list whose API gives the number of matches in
    /// X-Total-Count.</summary>
    public async Task<ApiResult<ListPage<T>>> GetPageAsync<T>(
        string path,
        CancellationToken cancellationToken = default
    )
    {
        var total = 0;
        var result = await SendAsync<List<T>>(
            HttpMethod.Get,
            path,
            null,
            cancellationToken,
            response =>
                total =
                    response.Headers.TryGetValues("X-Total-Count", out var values)
                    && int.TryParse(
                        values.FirstOrDefault(),
                        CultureInfo.InvariantCulture,
                        out var n
                    )
                        ? n
                        : 0
        );
        var page = result.Ok
            ? new ListPage<T>(result.Value ?? [], Math.Max(total, result.Value?.Count ?? 0))
            : null;
        return new ApiResult<ListPage<T>>(page, result.Status, result.Message, result.FieldErrors);
    }

    public async Task<ApiResult<T>> SendAsync<T>(
        HttpMethod method,
        string path,
        HttpContent? content,
        CancellationToken cancellationToken = default,
        Action<HttpResponseMessage>? answered = null
    )
    {
        var user = await UserAsync();
        var session = user is null
            ? null
            : await sessions.FindAsync(user.SessionId, cancellationToken);
        if (session is null)
        {
            SignInAgain();
            return new ApiResult<T>(
                default,
                HttpStatusCode.Unauthorized,
                "登录已过期，请重新登录。",
                Empty
            );
        }
        using var request = Request(method, path, session);
        request.Content = content;
        try
        {
            using var response = await clients
                .CreateClient(ClientName)
                .SendAsync(request, cancellationToken);
            answered?.Invoke(response);
            return await ReadAsync<T>(response, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return new ApiResult<T>(
                default,
                HttpStatusCode.ServiceUnavailable,
                "暂时无法连接业务系统，请稍后再试。",
                Empty
            );
        }
    }

    /// <summary>A request to the gateway with the session's token (and, in tests, its business
    /// day).</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, UserSession session)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            session.AccessToken
        );
        if (session.BusinessDate is { } date)
        {
            request.Headers.Add(
                "X-Business-Date",
                date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            );
        }
        return request;
    }

    private async Task<ApiResult<T>> ReadAsync<T>(
        HttpResponseMessage response,
        CancellationToken cancellationToken
    )
    {
        if (response.IsSuccessStatusCode)
        {
            var value =
                response.Content.Headers.ContentLength == 0
                    ? default
                    : await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
            return new ApiResult<T>(value, response.StatusCode, null, Empty);
        }
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            SignInAgain();
        var problem = await ReadProblemAsync(response, cancellationToken);
        var message = problem.Detail
            ?? (
                problem.Errors is { Count: > 0 }
                    ? null
                    : problem.Title ?? DefaultMessage(response.StatusCode)
            );
        return new ApiResult<T>(default, response.StatusCode, message, problem.Errors ?? Empty);
    }

    public static async Task<Problem> ReadProblemAsync(
        HttpResponseMessage response,
        CancellationToken cancellationToken
    )
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<Problem>(Json, cancellationToken)
                ?? new Problem(null, null, null);
        }
        catch (JsonException)
        {
            return new Problem(null, null, null);
        }
        catch (NotSupportedException)
        {
            return new Problem(null, null, null);
        }
    }

    public sealed record Problem(
        string? Title,
        string? Detail,
        Dictionary<string, string[]>? Errors
    );

    private static string DefaultMessage(HttpStatusCode status) =>
        status switch
        {
            HttpStatusCode.Unauthorized => "登录已过期，请重新登录。",
            HttpStatusCode.Forbidden => "无权访问。",
            HttpStatusCode.NotFound => "未找到。",
            HttpStatusCode.TooManyRequests => "请求过于频繁，请稍后再试。",
            _ => $"业务系统暂时无法办理（{(int)status}），请稍后再试。",
        };

    private void SignInAgain()
    {
        try
        {
            navigation.NavigateTo("/signout", forceLoad: true);
        }
        catch (InvalidOperationException)
        { /* not in a circuit (a file request): the caller answers 401 itself */
        }
    }

    private static readonly IReadOnlyDictionary<string, string[]> Empty =
        new Dictionary<string, string[]>();
}

/// <summary>
/// A list of codes, whether the API sends a JSON array or the older comma-separated text ("Capped,
/// TierMismatch"; "None" for none).
/// </summary>
public sealed class CodeListConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(
        ref Utf8JsonReader reader,
        Type typeToConvert,
        JsonSerializerOptions options
    )
    {
        if (reader.TokenType == JsonTokenType.Null)
            return [];
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader
                .GetString()!
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(c => c != "None")
                .ToList();
        }
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
                list.Add(reader.GetString()!);
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                // {code, name}: the code
                using var element = JsonDocument.ParseValue(ref reader);
                if (element.RootElement.TryGetProperty("code", out var code))
                    list.Add(code.GetString() ?? "");
            }
        }
        return list;
    }

    public override void Write(
        Utf8JsonWriter writer,
        IReadOnlyList<string> value,
        JsonSerializerOptions options
    ) => JsonSerializer.Serialize(writer, value.ToArray(), options);
}

public static class GatewayClientExtensions
{
    public static void AddGatewayClient(this WebApplicationBuilder builder)
    {
        // The gateway's address: service discovery under the AppHost ("http://gateway"), or
        // Portal:Gateway.
        var address = builder.Configuration["Portal:Gateway"] ?? "http://gateway";
        builder
            .Services.AddHttpClient(GatewayApi.ClientName, client =>
            {
                client.BaseAddress = new Uri(address);
                client.Timeout = TimeSpan.FromMinutes(30);
            })
            // A settlement step is not to be sent twice, and an upload streams: no retries, no
            // 30-second cap.
            .RemoveAllResilienceHandlers();
        builder.Services.AddScoped<GatewayApi>();
        builder.Services.AddScoped<Divisions>();
    }
}
