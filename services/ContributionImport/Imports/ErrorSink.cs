using ContributionImport.Parsing;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Subsidy.ServiceData.Crypto;

namespace ContributionImport.Imports;

/// <summary>
/// A file's errors while it is read. Every error is counted; the first <see cref="StoredLimit"/>
/// are kept for the report, the rest only counted (the report says how many more there were), so a
/// hostile file of a million bad rows costs neither memory nor table space. Nothing is written
/// until the file has been read.
/// </summary>
public sealed class ErrorSink
{
    public const int StoredLimit = 10_000;

    private readonly List<ImportError> _kept = [];

    public int Count { get; private set; }

    public bool Any => Count > 0;

    public void Add(ImportError error)
    {
        Count++;
        if (_kept.Count < StoredLimit)
            _kept.Add(error);
    }

    public void AddRange(IEnumerable<ImportError> errors)
    {
        foreach (var error in errors)
            Add(error);
    }

    private const string CopySql =
        "COPY import_errors (batch_id, row_no, column_name, value_sealed, reason) FROM STDIN (FORMAT BINARY)";

    /// <summary>Writes the kept errors in the caller's transaction.</summary>
    public async Task WriteAsync(
        NpgsqlConnection connection,
        Guid batchId,
        CancellationToken cancellationToken
    )
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            CopySql,
            cancellationToken
        );
        foreach (var error in _kept)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(batchId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(error.RowNumber, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(error.Column, NpgsqlDbType.Text, cancellationToken);
            if (error.Value is null)
                await writer.WriteNullAsync(cancellationToken);
            else
                // A rejected value may be a resident's ID number or name: sealed like them.
                await writer.WriteAsync(
                    PersonalData.Current.Seal(Truncated(error.Value)),
                    NpgsqlDbType.Bytea,
                    cancellationToken
                );
            await writer.WriteAsync(error.Reason, NpgsqlDbType.Text, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>A value is echoed to show what was wrong, not to store whatever a file holds: long
    /// ones are cut.</summary>
    public static string Truncated(string value) =>
        value.Length <= 200 ? value : value[..200] + $"……（共{value.Length}字）";
}
