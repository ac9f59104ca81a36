using System.Text;
using Dapper;
using MiniExcelLibs;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData.Crypto;

namespace ContributionImport.Imports;

public sealed record ErrorLine(int 行号, string 列, string? 值, string 原因);

/// <summary>One error as the batch API shows it inline.</summary>
public sealed record ErrorView(int RowNumber, string Column, string? Value, string Reason);

/// <summary>The downloadable list of every error of a rejected file, as CSV (UTF-8 with BOM, for
/// Excel) or XLSX.</summary>
public static class ErrorReport
{
    private const string Sql =
        "SELECT row_no, column_name, value_sealed, reason FROM import_errors WHERE batch_id = @BatchId ORDER BY row_no, column_name";

    /// <summary>How many errors a rejected batch shows inline; the report to download has them
    /// all.</summary>
    public const int InlineErrors = 100;

    private const string FirstSql =
        "SELECT row_no, column_name, value_sealed, reason FROM import_errors WHERE batch_id = @BatchId ORDER BY row_no, column_name LIMIT @Limit";

    public static async Task<IReadOnlyList<ErrorView>> FirstAsync(
        NpgsqlDataSource dataSource,
        Guid batchId,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (
            await connection.QueryAsync<StoredError>(
                new CommandDefinition(
                    FirstSql,
                    new { BatchId = batchId, Limit = InlineErrors },
                    cancellationToken: cancellationToken
                )
            )
        )
            .Select(e => new ErrorView(e.RowNo, e.ColumnName, e.Value, e.Reason))
            .ToList();
    }

    /// <param name="errorCount">Every error of the batch; past <see cref="ErrorSink.StoredLimit"/>
    /// they are counted, not listed, and the report says so.</param>
    public static async Task WriteCsvAsync(
        NpgsqlDataSource dataSource,
        Guid batchId,
        int errorCount,
        Stream output,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var writer = new StreamWriter(
            output,
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
            1 << 16,
            leaveOpen: true
        );
        writer.NewLine = "\r\n";
        await writer.WriteLineAsync("行号,列,值,原因");
        var listed = 0;
        await using (
            var reader = await connection.ExecuteReaderAsync(
                new CommandDefinition(
                    Sql,
                    new { BatchId = batchId },
                    cancellationToken: cancellationToken
                )
            )
        )
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                listed++;
                await writer.WriteLineAsync(
                    $"{reader.GetInt32(0)},{Cell(reader.GetString(1))},{Cell(reader.IsDBNull(2) ? "" : PersonalData.Current.OpenText(reader.GetFieldValue<byte[]>(2)))},{Cell(reader.GetString(3))}"
                );
            }
        }
        if (errorCount > listed)
            await writer.WriteLineAsync($",,,{Cell(NotListed(errorCount, listed))}");
    }

    public static async Task WriteXlsxAsync(
        NpgsqlDataSource dataSource,
        Guid batchId,
        int errorCount,
        Stream output,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Workbook cells are written as text cells, never formulas, so they need no apostrophe (a
        // unit test reads the XML).
        var rows = (
            await connection.QueryAsync<StoredError>(
                new CommandDefinition(
                    Sql,
                    new { BatchId = batchId },
                    cancellationToken: cancellationToken
                )
            )
        )
            .Select(e => new ErrorLine(e.RowNo, e.ColumnName, e.Value, e.Reason))
            .ToList();
        if (errorCount > rows.Count)
            rows.Add(new ErrorLine(0, "", null, NotListed(errorCount, rows.Count)));
        await output.SaveAsAsync(rows, sheetName: "错误清单", cancellationToken: cancellationToken);
    }

    private sealed record StoredError(
        int RowNo,
        string ColumnName,
        byte[]? ValueSealed,
        string Reason
    )
    {
        public string? Value => PersonalData.Current.OpenTextOrNull(ValueSealed);
    }

    private static string NotListed(int errorCount, int listed) =>
        $"共 {errorCount:N0} 处错误，以上列出前 {listed:N0} 处，另有 {errorCount - listed:N0} 处未列出";

    private static string Cell(string value) => SpreadsheetText.CsvField(value);
}
