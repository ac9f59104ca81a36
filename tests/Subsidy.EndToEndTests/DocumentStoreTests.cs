using Dapper;
using Document.Issuing;
using Npgsql;
using Subsidy.ServiceData;

namespace Subsidy.EndToEndTests;

/// <summary>docs/design/06-documents.md: documents are stored immutably and versioned on re-issue —
/// against the document service's own database.</summary>
[Collection(SystemCollection.Name)]
public class DocumentStoreTests(SubsidySystem system)
{
    [Fact]
    public async Task The_same_content_again_is_the_same_document_and_other_content_is_the_next_version()
    {
        var village = $"360222109{Random.Shared.Next(200, 999)}";
        var server = await system.ServerConnectionStringAsync();
        await using var dataSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(server) { Database = "document" }.ConnectionString
        );
        await system.UsePersonalDataOfAsync(dataSource);
        async Task<Guid> IssueAsync(string text)
        {
            await using var work = await UnitOfWork.BeginAsync(dataSource, CancellationToken.None);
            var id = await DocumentStore.IssueAsync(
                work,
                new DocumentToIssue(
                    "test-csv",
                    village,
                    2026,
                    "测试.csv",
                    "text/csv",
                    System.Text.Encoding.UTF8.GetBytes(text)
                ),
                CancellationToken.None
            );
            await work.CommitAsync(CancellationToken.None);
            return id;
        }

        var first = await IssueAsync("甲");
        Assert.Equal(first, await IssueAsync("甲"));
        var second = await IssueAsync("乙");
        Assert.NotEqual(first, second);
        Assert.Equal(second, await IssueAsync("乙"));
        var third = await IssueAsync("甲");

        await using var connection = await dataSource.OpenConnectionAsync();
        var versions = (
            await connection.QueryAsync<(Guid Id, int Version)>(
                "SELECT id, version FROM documents WHERE kind = 'test-csv' AND division_code = @village ORDER BY version",
                new { village }
            )
        ).ToList();
        Assert.Equal([(first, 1), (second, 2), (third, 3)], versions);
    }
}
