using Npgsql;
using Subsidy.ServiceDefaults.Http;
using Subsidy.ServiceDefaults.Resilience;

namespace Subsidy.UnitTests.ServiceDefaults;

public sealed class DatabaseFailoverTests
{
    private static PostgresException Server(string sqlState) =>
        new("message", "ERROR", "ERROR", sqlState);

    [Theory]
    [InlineData("25006")] // a standby not yet promoted refuses the write
    [InlineData("57P01")] // the server shut down under the session
    [InlineData("57P03")] // the server is starting
    [InlineData("08006")] // the connection failed
    public void A_database_lost_under_the_unit_of_work_is_unavailable(string sqlState) =>
        Assert.True(DatabaseFailover.IsUnavailable(Server(sqlState)));

    [Fact]
    public void No_reachable_host_is_unavailable_even_wrapped() =>
        Assert.True(
            DatabaseFailover.IsUnavailable(
                new InvalidOperationException(
                    "outer",
                    new NpgsqlException("No suitable host was found.")
                )
            )
        );

    [Theory]
    [InlineData("23505")] // a unique violation is the request's own fault
    [InlineData("22P02")]
    [InlineData("42P01")]
    public void An_error_of_the_request_itself_is_not(string sqlState) =>
        Assert.False(DatabaseFailover.IsUnavailable(Server(sqlState)));

    [Fact]
    public void A_request_whose_database_was_lost_is_answered_503_in_chinese_to_be_sent_again()
    {
        var (status, title, detail) = ErrorResponses.Describe(
            new NpgsqlException("No suitable host was found.")
        );
        Assert.Equal(503, status);
        Assert.Equal("数据库暂不可用", title);
        Assert.Contains("请稍后重新提交", detail);
    }
}
