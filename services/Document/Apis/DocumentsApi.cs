using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceData.Operations;
using Subsidy.ServiceDefaults.Auth;

namespace Document.Apis;

public sealed record DocumentSummary(
    Guid Id,
    string Kind,
    string DivisionCode,
    int Year,
    int Version,
    string FileName,
    string ContentType,
    string Sha256,
    DateTime IssuedAt
);

public static class DocumentsApi
{
    private const string ListSql = """
        SELECT id, kind, division_code, year, version, file_name, content_type, sha256, issued_at
        FROM documents
        WHERE division_code LIKE @Prefix || '%' AND (@Year::int IS NULL OR year = @Year) AND
            (@Kind::text IS NULL OR kind = @Kind)
        ORDER BY division_code, kind, version
        """;

    public static RouteGroupBuilder MapDocumentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/documents").RequireAuthorization().WithTags("文书");
        group.MapGet("/", ListDocuments);
        group.MapGet("/{id:guid}", Download);
        group.MapSummariesApi();
        Assessment.AssessmentsApi.MapAssessmentsApi(group);
        Statements.StatementsApi.MapStatementsApi(group);
        group.MapAuditApi();
        group.MapOperationsApi();
        return group;
    }

    /// <summary>Documents of the divisions under <paramref name="division"/> (default: the caller's
    /// whole scope), of one year or kind if asked.</summary>
    public static async Task<
        Results<Ok<IReadOnlyList<DocumentSummary>>, ProblemHttpResult>
    > ListDocuments(
        string? division,
        int? year,
        string? kind,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        var prefix = division ?? caller.Scope;
        if (!caller.Covers(prefix))
            return Problems.OutOfScope(caller, prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DocumentSummary>(
            new CommandDefinition(
                ListSql,
                new
                {
                    Prefix = prefix,
                    Year = year,
                    Kind = kind,
                },
                cancellationToken: cancellationToken
            )
        );
        return TypedResults.Ok<IReadOnlyList<DocumentSummary>>(rows.AsList());
    }

    private sealed record Stored(
        string DivisionCode,
        string FileName,
        string ContentType,
        byte[] Content
    );

    /// <summary>The document itself, for anyone whose scope covers its division.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Download(
        Guid id,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var stored = await connection.QuerySingleOrDefaultAsync<Stored>(
            new CommandDefinition(
                "SELECT division_code, file_name, content_type, content_sealed AS content FROM documents WHERE id = @id",
                new { id },
                cancellationToken: cancellationToken
            )
        );
        if (stored is null)
            return Problems.NotFound($"文书 {id} 不存在。");
        if (!caller.Covers(stored.DivisionCode))
            return Problems.OutOfScope(caller, stored.DivisionCode);
        return TypedResults.File(
            PersonalData.Current.Open(stored.Content),
            stored.ContentType,
            stored.FileName
        );
    }
}
