using ContributionImport.Parsing;
using ContributionImport.Reading;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Subsidy.Contracts;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceData.Messaging;

namespace ContributionImport.Imports;

/// <summary>
/// Processes a village's member roster: every row checked, every error reported, nothing stored
/// unless all rows are sound. A roster is one village's members, so it is capped at <see
/// cref="MaxMembers"/> rows.
/// </summary>
public sealed class RosterProcessor(NpgsqlDataSource dataSource)
{
    public const int MaxMembers = 20_000;

    private const string CopySql =
        "COPY roster_members (batch_id, row_no, person, id_index, special_group) FROM STDIN (FORMAT BINARY)";

    private const string SupersedeSql = $"""
        UPDATE import_batches SET state = '{BatchStates.Superseded}', superseded_by = @Id
        WHERE kind = @Kind AND year = @Year AND state = '{BatchStates.Accepted}' AND id <> @Id AND
            scope_code = @ScopeCode
        RETURNING id
        """;

    private const string AcceptSql = $"""
        UPDATE import_batches SET state = '{BatchStates.Accepted}', rows_read = @rowsRead,
            rows_accepted = @count, finished_at = now(), published_at = now() WHERE id = @Id
        """;

    public async Task ProcessAsync(Batch batch, CancellationToken cancellationToken)
    {
        await BatchStore.StartProcessingAsync(dataSource, batch.Id, cancellationToken);

        var (rows, tempFile, refusal) = await BatchProcessor.OpenRowsAsync(
            dataSource,
            batch.Id,
            cancellationToken
        );
        if (refusal is not null)
        {
            if (tempFile is not null)
                File.Delete(tempFile);
            ImportError[] fileError = [new ImportError(0, "（文件）", null, refusal)];
            await BatchStore.RejectAsync(dataSource, batch.Id, 0, fileError, cancellationToken);
            return;
        }
        var roster = ReadRows(batch, rows, tempFile);
        if (roster.Errors.Count > 0)
        {
            await BatchStore.RejectAsync(
                dataSource,
                batch.Id,
                roster.RowsRead,
                roster.Errors,
                cancellationToken
            );
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await StoreAsync(connection, batch, roster.Members, cancellationToken);
        var superseded = await SupersedeAndAcceptAsync(
            connection,
            transaction,
            batch,
            roster,
            cancellationToken
        );
        await AnnounceAsync(
            connection,
            transaction,
            batch,
            roster.Members,
            superseded,
            cancellationToken
        );
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Reads the file's rows after its header, each checked as it is read; a file that cannot be
    /// read further is one more error. The temporary file goes, read or not.
    /// </summary>
    private static RosterCheck ReadRows(Batch batch, IEnumerable<TabularRow> rows, string? tempFile)
    {
        var roster = new RosterCheck(batch.ScopeCode);
        try
        {
            using var enumerator = rows.GetEnumerator();
            var head = new List<TabularRow>();
            while (head.Count < HeaderMap.RowsSearched && enumerator.MoveNext())
                head.Add(enumerator.Current);
            var (map, missing) = HeaderMap.Detect(
                head.Select(r => r.Cells).ToList(),
                Columns.RosterHeaders,
                Columns.RosterRequired
            );
            if (map is null)
            {
                roster.Errors.AddRange(
                    missing.Select(f => new ImportError(
                        1,
                        Columns.Label(f),
                        null,
                        $"找不到“{Columns.Label(f)}”列，请检查前10行中的表头"
                    ))
                );
            }
            else
            {
                foreach (
                    var row in head.Skip(map.HeaderRowIndex + 1)
                        .Concat(BatchProcessor.Rest(enumerator))
                )
                {
                    if (row.IsEmpty)
                        continue;
                    if (!roster.Check(row, map))
                        break;
                }
                roster.CheckNotEmpty(map);
            }
        }
        catch (Exception e) when (FileProblems.WhyUnreadable(e, roster.RowsRead + 2) is { } why)
        {
            roster.Errors.Add(new ImportError(roster.RowsRead + 2, "（文件）", null, why));
        }
        finally
        {
            if (tempFile is not null)
                File.Delete(tempFile);
        }
        return roster;
    }

    /// <summary>Copies the members into roster_members, inside the transaction the connection
    /// holds.</summary>
    private static async Task StoreAsync(
        NpgsqlConnection connection,
        Batch batch,
        IReadOnlyList<RosterMember> members,
        CancellationToken cancellationToken
    )
    {
        await using var copy = await connection.BeginBinaryImportAsync(CopySql, cancellationToken);
        foreach (var member in members)
        {
            copy.StartRow();
            copy.Write(batch.Id, NpgsqlDbType.Uuid);
            copy.Write(member.RowNumber, NpgsqlDbType.Integer);
            copy.Write(
                PersonalData.Current.SealPerson(member.Name, member.IdNumber),
                NpgsqlDbType.Bytea
            );
            copy.Write(PersonalData.Current.IdIndex(member.IdNumber), NpgsqlDbType.Bytea);
            if (member.SpecialGroup is { } group)
                copy.Write((short)group, NpgsqlDbType.Smallint);
            else
                copy.WriteNull();
        }
        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// The village's earlier accepted roster of the year is superseded and this one accepted (and,
    /// a roster being announced in the same transaction, published); the superseded batches' ids.
    /// </summary>
    private static async Task<List<Guid>> SupersedeAndAcceptAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Batch batch,
        RosterCheck roster,
        CancellationToken cancellationToken
    )
    {
        var superseded = (
            await connection.QueryAsync<Guid>(
                new CommandDefinition(
                    SupersedeSql,
                    new
                    {
                        batch.Id,
                        batch.Kind,
                        batch.Year,
                        batch.ScopeCode,
                    },
                    transaction,
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();
        await connection.ExecuteAsync(
            new CommandDefinition(
                AcceptSql,
                new
                {
                    batch.Id,
                    rowsRead = roster.RowsRead,
                    count = roster.Members.Count,
                },
                transaction,
                cancellationToken: cancellationToken
            )
        );
        return superseded;
    }

    private static Task AnnounceAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Batch batch,
        List<RosterMember> members,
        List<Guid> superseded,
        CancellationToken cancellationToken
    ) =>
        OutboxWriter.EnqueueAsync(
            connection,
            transaction,
            new RosterAccepted(batch.Id, batch.ScopeCode, batch.Year, members, superseded),
            cancellationToken
        );

    /// <summary>
    /// The checks of a roster's rows as they are read: each row parsed, each person listed once, at
    /// most
    /// <see cref="MaxMembers"/> rows, at least one.
    /// </summary>
    private sealed class RosterCheck(string scopeCode)
    {
        private readonly Dictionary<string, int> _seen = new();

        public List<ImportError> Errors { get; } = [];
        public List<RosterMember> Members { get; } = [];
        public int RowsRead { get; private set; }

        /// <summary>Checks one non-empty row; false once there are more rows than a roster may
        /// have.</summary>
        public bool Check(TabularRow row, HeaderMap map)
        {
            if (++RowsRead > MaxMembers)
            {
                Errors.Add(
                    new ImportError(
                        row.RowNumber,
                        "（全部）",
                        null,
                        $"一个村(居)的成员名册不能超过{MaxMembers}行"
                    )
                );
                return false;
            }
            var (member, rowErrors) = RosterRowParser.Parse(
                row.RowNumber,
                row.Cells,
                map,
                scopeCode
            );
            Errors.AddRange(rowErrors);
            if (member is null)
                return true;
            if (_seen.TryGetValue(member.IdNumber, out var first))
            {
                Errors.Add(
                    ImportError.In(
                        row.RowNumber,
                        map.HeaderOf(Field.IdNumber),
                        Field.IdNumber,
                        member.IdNumber,
                        $"与第{first}行是同一人"
                    )
                );
                return true;
            }
            _seen[member.IdNumber] = row.RowNumber;
            Members.Add(member);
            return true;
        }

        public void CheckNotEmpty(HeaderMap map)
        {
            if (RowsRead == 0)
                Errors.Add(
                    new ImportError(map.HeaderRowIndex + 1, "（全部）", null, "名册中没有成员")
                );
        }
    }
}
