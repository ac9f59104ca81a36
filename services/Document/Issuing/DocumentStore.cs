using System.Security.Cryptography;
using Dapper;
using Subsidy.ServiceDefaults.Data;

namespace Document.Issuing;

/// <summary>Documents are immutable: a re-issue with other content is a new version; the same content again changes nothing.</summary>
public static class DocumentStore
{
    private const string LatestSql = "SELECT id, sha256, version FROM documents WHERE kind = @kind AND subject_key = @subjectKey ORDER BY version DESC LIMIT 1";

    private const string InsertSql = """
        INSERT INTO documents (id, kind, division_code, year, subject_key, version, file_name, content_type, sha256, content)
        VALUES (@id, @kind, @divisionCode, @year, @subjectKey, @version, @fileName, @contentType, @sha256, @content)
        """;

    /// <summary>Returns the id of the document now current: the new version, or the existing one with the same content.</summary>
    public static async Task<Guid> IssueAsync(UnitOfWork work, string kind, string divisionCode, int year, string fileName, string contentType, byte[] content, CancellationToken cancellationToken)
    {
        var subjectKey = $"{divisionCode}/{year}";
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        var latest = await work.Connection.QuerySingleOrDefaultAsync<(Guid Id, string Sha256, int Version)?>(new CommandDefinition(LatestSql, new { kind, subjectKey }, work.Transaction, cancellationToken: cancellationToken));
        if (latest is { } current && current.Sha256 == sha256) return current.Id;
        var id = Guid.CreateVersion7();
        await work.Connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            id, kind, divisionCode, year, subjectKey, version = (latest?.Version ?? 0) + 1, fileName, contentType, sha256, content,
        }, work.Transaction, cancellationToken: cancellationToken));
        return id;
    }
}
