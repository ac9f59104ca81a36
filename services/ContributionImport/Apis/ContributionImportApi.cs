using ContributionImport.Imports;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Divisions;
using Subsidy.ServiceData.Operations;
using Subsidy.ServiceDefaults.Auth;

namespace ContributionImport.Apis;

public sealed record BatchView(
    Guid Id,
    string Kind,
    string ScopeCode,
    int Year,
    string FileName,
    long FileSize,
    string? Sha256,
    string State,
    string StateName,
    long RowsRead,
    long RowsAccepted,
    int ErrorCount,
    string? Failure,
    string UploadedBy,
    DateTime UploadedAt,
    DateTime? FinishedAt,
    Guid? SupersededBy,
    bool SameFileAsBefore,
    string? Note,
    IReadOnlyList<ErrorView>? Errors = null
)
{
    public static BatchView From(Batch b, bool sameFile = false) =>
        new(
            b.Id,
            b.Kind,
            b.ScopeCode,
            b.Year,
            b.FileName,
            b.FileSize,
            b.Sha256,
            b.State,
            b.StateName,
            b.RowsRead,
            b.RowsAccepted,
            b.ErrorCount,
            b.Failure,
            b.UploadedBy,
            b.UploadedAt,
            b.FinishedAt,
            b.SupersededBy,
            sameFile,
            b.Note
        );
}

public static class ContributionImportApi
{
    public const long MaxUploadBytes = 2L << 30;

    public static RouteGroupBuilder MapContributionImportApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/imports").RequireAuthorization().WithTags("缴费明细导入");
        group.MapKnownDivisions();
        group
            .MapPost("/contributions", UploadContributions)
            .RequireRoles(Roles.CountyCentre, Roles.TownshipOfficer)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxUploadBytes));
        group
            .MapPost("/rosters", UploadRoster)
            .RequireRoles(Roles.VillageClerk, Roles.TownshipOfficer, Roles.CountyCentre)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(64L << 20));
        group.MapGet("/batches", ListBatches);
        group.MapGet("/batches/{id:guid}", GetBatch);
        group.MapGet("/batches/{id:guid}/errors.csv", DownloadErrorsCsv);
        group.MapGet("/batches/{id:guid}/errors.xlsx", DownloadErrorsXlsx);
        group.MapAuditApi();
        group.MapOperationsApi();
        return group;
    }

    /// <summary>
    /// The business system's contribution-detail export for a county (6-digit scope) or township
    /// (9-digit scope) and a year, as the request body (CSV or XLSX). Answers at once; the file is
    /// processed in the background.
    /// </summary>
    public static async Task<
        Results<Accepted<BatchView>, Ok<BatchView>, ValidationProblem, ProblemHttpResult>
    > UploadContributions(
        string? scope,
        int? year,
        string? fileName,
        HttpContext http,
        BatchStore store,
        CancellationToken cancellationToken
    )
    {
        var errors = new List<(string, string)>();
        if (scope is not ({ Length: 6 } or { Length: 9 }) || !scope.All(char.IsAsciiDigit))
            errors.Add(("scope", "导入范围须为6位县级或9位乡镇级区划代码前缀。"));
        if (year is not (>= 2000 and <= 2100))
            errors.Add(("year", "须指定4位缴费年度。"));
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        var caller = http.GetCaller();
        if (!caller.Covers(scope!))
            return Problems.OutOfScope(caller, scope!);

        var name = fileName ?? http.Request.Headers["X-File-Name"].FirstOrDefault() ?? "upload";
        UploadResult result;
        try
        {
            result = await store.ReceiveAsync(
                http.Request.Body,
                BatchKinds.Contributions,
                scope!,
                year!.Value,
                name,
                caller,
                cancellationToken
            );
        }
        catch (UploadStalledException stalled)
        {
            return Stalled(stalled);
        }
        var view = BatchView.From(result.Batch, sameFile: !result.IsNew);
        return result.IsNew
            ? TypedResults.Accepted($"/api/imports/batches/{view.Id}", view)
            : TypedResults.Ok(view);
    }

    /// <summary>A village's member roster for a year (CSV or XLSX body); it replaces the village's
    /// earlier roster once accepted.</summary>
    public static async Task<
        Results<Accepted<BatchView>, Ok<BatchView>, ValidationProblem, ProblemHttpResult>
    > UploadRoster(
        string? village,
        int? year,
        string? fileName,
        HttpContext http,
        BatchStore store,
        DivisionReplica divisions,
        CancellationToken cancellationToken
    )
    {
        var errors = new List<(string, string)>();
        if (!Subsidy.Contracts.DivisionCode.IsWellFormed(village))
            errors.Add(("village", "须指定12位村(居)区划代码。"));
        if (year is not (>= 2000 and <= 2100))
            errors.Add(("year", "须指定4位年度。"));
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        var caller = http.GetCaller();
        if (!caller.Covers(village!))
            return Problems.OutOfScope(caller, village!);
        if (
            await divisions.FindAsync(village!, cancellationToken)
            is not { Level: Subsidy.Contracts.DivisionLevel.Village, Active: true }
        )
        {
            return Problems.Invalid([("village", $"系统中没有村(居) {village}。")]);
        }

        UploadResult result;
        try
        {
            result = await store.ReceiveAsync(
                http.Request.Body,
                BatchKinds.Roster,
                village!,
                year!.Value,
                fileName ?? "roster",
                caller,
                cancellationToken
            );
        }
        catch (UploadStalledException stalled)
        {
            return Stalled(stalled);
        }
        var view = BatchView.From(result.Batch, sameFile: !result.IsNew);
        return result.IsNew
            ? TypedResults.Accepted($"/api/imports/batches/{view.Id}", view)
            : TypedResults.Ok(view);
    }

    private static ProblemHttpResult Stalled(UploadStalledException stalled) =>
        TypedResults.Problem(
            detail: stalled.Message,
            statusCode: StatusCodes.Status408RequestTimeout,
            title: "上传超时"
        );

    public static async Task<Results<Ok<List<BatchView>>, ProblemHttpResult>> ListBatches(
        string? scope,
        int? year,
        HttpContext http,
        BatchStore store,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        var prefix = scope ?? caller.Scope;
        if (!caller.Covers(prefix))
            return Problems.OutOfScope(caller, prefix);
        return TypedResults.Ok(
            (await store.ListAsync(prefix, year, cancellationToken))
                .Select(b => BatchView.From(b))
                .ToList()
        );
    }

    /// <summary>A batch's state and counts; a rejected one also carries its first errors, so a
    /// client sees why without a download.</summary>
    public static async Task<Results<Ok<BatchView>, ProblemHttpResult>> GetBatch(
        Guid id,
        HttpContext http,
        BatchStore store,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        var batch = await store.FindAsync(id, cancellationToken);
        if (batch is null)
            return Problems.NotFound($"导入批次 {id} 不存在。");
        if (!Covers(caller, batch))
            return Problems.OutOfScope(caller, batch.ScopeCode);
        var view = BatchView.From(batch);
        return TypedResults.Ok(
            batch.State == BatchStates.Rejected
                ? view with
                {
                    Errors = await ErrorReport.FirstAsync(dataSource, id, cancellationToken),
                }
                : view
        );
    }

    public static Task<IResult> DownloadErrorsCsv(
        Guid id,
        HttpContext http,
        BatchStore store,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    ) => DownloadErrors(id, "csv", http, store, dataSource, cancellationToken);

    public static Task<IResult> DownloadErrorsXlsx(
        Guid id,
        HttpContext http,
        BatchStore store,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    ) => DownloadErrors(id, "xlsx", http, store, dataSource, cancellationToken);

    private static async Task<IResult> DownloadErrors(
        Guid id,
        string format,
        HttpContext http,
        BatchStore store,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        var batch = await store.FindAsync(id, cancellationToken);
        if (batch is null)
            return Problems.NotFound($"导入批次 {id} 不存在。");
        if (!Covers(caller, batch))
            return Problems.OutOfScope(caller, batch.ScopeCode);
        var fileName = $"导入错误清单-{batch.ScopeCode}-{batch.Year}.{format}";
        http.Response.Headers.ContentDisposition =
            $"attachment; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
        if (format == "csv")
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            await ErrorReport.WriteCsvAsync(
                dataSource,
                id,
                batch.ErrorCount,
                http.Response.Body,
                cancellationToken
            );
        }
        else
        {
            http.Response.ContentType =
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            await using var buffer = new MemoryStream();
            await ErrorReport.WriteXlsxAsync(
                dataSource,
                id,
                batch.ErrorCount,
                buffer,
                cancellationToken
            );
            buffer.Position = 0;
            await buffer.CopyToAsync(http.Response.Body, cancellationToken);
        }
        return Results.Empty;
    }

    /// <summary>
    /// A batch, its rows and its reports hold every resident of its scope: only a caller whose
    /// scope covers the whole batch scope may read them (docs/design/03-import.md) — a township
    /// officer not a county's batch, a village clerk not a township's.
    /// </summary>
    private static bool Covers(Caller caller, Batch batch) => caller.Covers(batch.ScopeCode);
}
