using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceData.Operations;
using Subsidy.ServiceDefaults.Auth;

namespace Document.Apis;

/// <summary>A stored document. One that lists full ID numbers (花名册, 到账明细) says so, the
/// purpose its download records, and whether this caller may download it (or why not).</summary>
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
)
{
    public bool FullIdNumbers { get; init; }
    public string? DownloadPurpose { get; init; }
    public string? WhyNotDownload { get; init; }
}

public static class DocumentsApi
{
    /// <summary>The kinds that list residents' whole ID numbers, and the purpose a download of each
    /// records: the 花名册 is printed for signing and filing, the 到账明细 goes back into the
    /// pension business system.</summary>
    public static readonly IReadOnlyDictionary<string, string> FullIdNumberKinds = new Dictionary<
        string,
        string
    >
    {
        ["roster-xlsx"] = "打印花名册报审",
        ["roster-pdf"] = "打印花名册报审",
        ["credited-xlsx"] = "回写养老保险业务系统",
        ["credited-csv"] = "回写养老保险业务系统",
    };

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
        var whyNot = IdNumberAccess.WhyRoleMayNot(caller);
        return TypedResults.Ok<IReadOnlyList<DocumentSummary>>(
            rows.Select(d =>
                    FullIdNumberKinds.TryGetValue(d.Kind, out var purpose)
                        ? d with
                        {
                            FullIdNumbers = true,
                            DownloadPurpose = purpose,
                            WhyNotDownload = whyNot,
                        }
                        : d
                )
                .ToList()
        );
    }

    private sealed record Stored(
        string Kind,
        string DivisionCode,
        int Year,
        int Version,
        string FileName,
        string ContentType,
        byte[] Content
    );

    /// <summary>The document itself, for anyone whose scope covers its division; one listing whole ID
    /// numbers only for a role that may see them, with the purpose, recorded in the audit log
    /// before it is handed out.</summary>
    public static async Task<
        Results<FileContentHttpResult, ProblemHttpResult, ValidationProblem>
    > Download(
        Guid id,
        string? purpose,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var stored = await connection.QuerySingleOrDefaultAsync<Stored>(
            new CommandDefinition(
                "SELECT kind, division_code, year, version, file_name, content_type, content_sealed AS content FROM documents WHERE id = @id",
                new { id },
                cancellationToken: cancellationToken
            )
        );
        if (stored is null)
            return Problems.NotFound($"文书 {id} 不存在。");
        if (!caller.Covers(stored.DivisionCode))
            return Problems.OutOfScope(caller, stored.DivisionCode);
        if (FullIdNumberKinds.ContainsKey(stored.Kind))
        {
            if (IdNumberAccess.WhyNotFull(caller, purpose) is { } refusal)
            {
                return Problems.From(refusal);
            }
            await IdNumberViews.RecordAsync(
                connection,
                caller,
                $"{stored.DivisionCode}/{stored.Year}",
                stored.DivisionCode,
                purpose!,
                $"《{stored.FileName}》（第{stored.Version}版）所列全部参保人",
                cancellationToken
            );
        }
        return TypedResults.File(
            PersonalData.Current.Open(stored.Content),
            stored.ContentType,
            stored.FileName
        );
    }
}
