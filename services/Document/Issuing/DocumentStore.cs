using System.Security.Cryptography;
using Dapper;
using Document.Apis;
using Npgsql;
using NpgsqlTypes;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;

namespace Document.Issuing;

/// <summary>A rendered document to be kept: its kind, whose and which year it is, and its
/// bytes.</summary>
public sealed record DocumentToIssue(
    string Kind,
    string DivisionCode,
    int Year,
    string FileName,
    string ContentType,
    byte[] Content
);

/// <summary>Documents are immutable: a re-issue with other content is a new version; the same
/// content again changes nothing.</summary>
public static class DocumentStore
{
    private const string SummarySql =
        "SELECT id, kind, division_code, year, version, file_name, content_type, sha256, issued_at FROM documents WHERE id = @id";

    /// <summary>What a list shows of one issued document.</summary>
    public static Task<DocumentSummary> SummaryAsync(
        NpgsqlConnection connection,
        Guid id,
        CancellationToken cancellationToken
    ) =>
        connection.QuerySingleAsync<DocumentSummary>(
            new CommandDefinition(SummarySql, new { id }, cancellationToken: cancellationToken)
        );

    /// <summary>
    /// One statement: a new version unless the latest has the same content; answers the id of the
    /// document now current. Two issuers racing for the same next version meet the unique (kind,
    /// subject, version) key.
    /// </summary>
    private const string IssueSql = """
        WITH latest AS (
            SELECT id, sha256, version FROM documents WHERE kind = @kind AND subject_key =
                @subjectKey ORDER BY version DESC LIMIT 1
        ), issued AS (
            INSERT INTO documents (id, kind, division_code, year, subject_key, version, file_name,
                content_type, sha256, content_sealed)
            SELECT @id, @kind, @divisionCode, @year, @subjectKey, coalesce((SELECT version FROM
                latest), 0) + 1, @fileName, @contentType, @sha256, @content
            WHERE NOT EXISTS (SELECT 1 FROM latest WHERE sha256 = @sha256)
            RETURNING id
        )
        SELECT id FROM issued UNION ALL SELECT id FROM latest WHERE sha256 = @sha256
        """;

    /// <summary>The statement that issues <paramref name="document"/>, to send in one batch with
    /// the other writes of its transaction.</summary>
    public static NpgsqlBatchCommand IssueCommand(DocumentToIssue document) =>
        new(IssueSql)
        {
            Parameters =
            {
                new("id", NpgsqlDbType.Uuid) { Value = Guid.CreateVersion7() },
                new("kind", NpgsqlDbType.Text) { Value = document.Kind },
                new("divisionCode", NpgsqlDbType.Text) { Value = document.DivisionCode },
                new("year", NpgsqlDbType.Integer) { Value = document.Year },
                new("subjectKey", NpgsqlDbType.Text)
                {
                    Value = $"{document.DivisionCode}/{document.Year}",
                },
                new("fileName", NpgsqlDbType.Text) { Value = document.FileName },
                new("contentType", NpgsqlDbType.Text) { Value = document.ContentType },
                new("sha256", NpgsqlDbType.Text)
                {
                    Value = Convert.ToHexStringLower(SHA256.HashData(document.Content)),
                },
                new("content", NpgsqlDbType.Bytea)
                {
                    Value = PersonalData.Current.Seal(document.Content),
                },
            },
        };

    /// <summary>Issues one document on its own; returns the id of the document now
    /// current.</summary>
    public static async Task<Guid> IssueAsync(
        UnitOfWork work,
        DocumentToIssue document,
        CancellationToken cancellationToken
    )
    {
        await using var batch = new NpgsqlBatch(work.Connection, work.Transaction)
        {
            BatchCommands = { IssueCommand(document) },
        };
        return (Guid)(await batch.ExecuteScalarAsync(cancellationToken))!;
    }
}
