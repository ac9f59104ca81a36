using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Subsidy.ServiceDefaults.Http;
using Subsidy.ServiceDefaults.Resilience;

namespace Subsidy.UnitTests.ServiceDefaults;

[Collection(nameof(FailoverRetryTests))]
public sealed class FailoverRetryTests
{
    /// <summary>A service whose endpoint loses the database the first <paramref name="failures"/>
    /// times, then writes; answers what it read of the body each time.</summary>
    private static async Task<(
        WebApplication App,
        HttpClient Http,
        List<string> Bodies
    )> ServiceAsync(int failures)
    {
        FailoverRetry.Pause = TimeSpan.FromMilliseconds(20);
        FailoverRetry.Patience = TimeSpan.FromSeconds(1);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddErrorResponses();
        var app = builder.Build();
        app.UseErrorResponses();
        app.UseFailoverRetry();
        var bodies = new List<string>();
        app.MapPost("/steps", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, leaveOpen: true);
            bodies.Add(await reader.ReadToEndAsync());
            http.Response.Headers["X-Half-Written"] = "yes";
            if (bodies.Count <= failures)
                throw new NpgsqlException("No suitable host was found.");
            return Results.Text("done");
        });
        await app.StartAsync();
        var address = app
            .Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address) }, bodies);
    }

    private static StringContent Step() => new("{\"village\":\"360222100201\"}", Encoding.UTF8);

    [Fact]
    public async Task A_request_that_lost_the_database_is_done_again_whole_with_the_same_body_once_it_is_back()
    {
        var (app, http, bodies) = await ServiceAsync(failures: 2);
        await using var _ = app;

        using var answer = await http.PostAsync("/steps", Step());

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("done", await answer.Content.ReadAsStringAsync());
        Assert.Equal(3, bodies.Count);
        Assert.All(bodies, body => Assert.Equal("{\"village\":\"360222100201\"}", body));
    }

    [Fact]
    public async Task A_database_that_stays_away_is_answered_503_in_chinese_without_the_failed_attempts_headers()
    {
        var (app, http, bodies) = await ServiceAsync(failures: int.MaxValue);
        await using var _ = app;

        using var answer = await http.PostAsync("/steps", Step());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Contains("数据库暂不可用", await answer.Content.ReadAsStringAsync());
        Assert.False(answer.Headers.Contains("X-Half-Written"));
        Assert.True(bodies.Count > 1);
    }

    [Fact]
    public async Task An_upload_too_large_to_hold_is_not_repeated_but_answered_503_to_be_sent_again()
    {
        var (app, http, bodies) = await ServiceAsync(failures: 1);
        await using var _ = app;

        using var answer = await http.PostAsync(
            "/steps",
            new ByteArrayContent(new byte[FailoverRetry.LargestRepeatedBody + 1])
        );

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Single(bodies);
    }
}
