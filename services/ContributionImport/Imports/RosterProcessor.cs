using ContributionImport.Parsing;
using ContributionImport.Reading;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Subsidy.Contracts;
using Subsidy.ServiceData.Messaging;

namespace ContributionImport.Imports;

/// <summary>
/// Processes a village's member roster: every row checked, every error reported, nothing stored unless all
/// rows are sound. A roster is one village's members, so it is capped at <see cref="MaxMembers"/> rows.
/// </summary>
public sealed class RosterProcessor(NpgsqlDataSource dataSource)
{
    public const int MaxMembers = 20_000;

    public async Task ProcessAsync(Batch batch, CancellationToken cancellationToken)
    {
        await BatchStore.StartProcessingAsync(dataSource, batch.Id, cancellationToken);

        var errors = new List<ImportError>();
        var members = new List<RosterMember>();
        var seen = new Dictionary<string, int>();
        var rowsRead = 0;
        var (rows, tempFile, refusal) = await BatchProcessor.OpenRowsAsync(dataSource, batch.Id, cancellationToken);
        if (refusal is not null)
        {
            if (tempFile is not null) File.Delete(tempFile);
            await BatchStore.RejectAsync(dataSource, batch.Id, 0, [new ImportError(0, "（文件）", null, refusal)], cancellationToken);
            return;
        }
        try
        {
            using var enumerator = rows.GetEnumerator();
            var head = new List<TabularRow>();
            while (head.Count < HeaderMap.RowsSearched && enumerator.MoveNext()) head.Add(enumerator.Current);
            var (map, missing) = HeaderMap.Detect(head.Select(r => r.Cells).ToList(), Columns.RosterHeaders, Columns.RosterRequired);
            if (map is null)
            {
                errors.AddRange(missing.Select(f => new ImportError(1, Columns.Label(f), null, $"找不到“{Columns.Label(f)}”列，请检查前10行中的表头")));
            }
            else
            {
                foreach (var row in head.Skip(map.HeaderRowIndex + 1).Concat(BatchProcessor.Rest(enumerator)))
                {
                    if (row.IsEmpty) continue;
                    if (++rowsRead > MaxMembers)
                    {
                        errors.Add(new ImportError(row.RowNumber, "（全部）", null, $"一个村(居)的成员名册不能超过{MaxMembers}行"));
                        break;
                    }
                    var (member, rowErrors) = RosterRowParser.Parse(row.RowNumber, row.Cells, map, batch.ScopeCode);
                    errors.AddRange(rowErrors);
                    if (member is null) continue;
                    if (seen.TryGetValue(member.IdNumber, out var first))
                    {
                        errors.Add(new ImportError(row.RowNumber, map.HeaderOf(Field.IdNumber), member.IdNumber, $"与第{first}行是同一人"));
                        continue;
                    }
                    seen[member.IdNumber] = row.RowNumber;
                    members.Add(member);
                }
                if (rowsRead == 0) errors.Add(new ImportError(map.HeaderRowIndex + 1, "（全部）", null, "名册中没有成员"));
            }
        }
        catch (Exception e) when (FileProblems.WhyUnreadable(e, rowsRead + 2) is { } why)
        {
            errors.Add(new ImportError(rowsRead + 2, "（文件）", null, why));
        }
        finally
        {
            if (tempFile is not null) File.Delete(tempFile);
        }

        if (errors.Count > 0)
        {
            await BatchStore.RejectAsync(dataSource, batch.Id, rowsRead, errors, cancellationToken);
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var copy = await connection.BeginBinaryImportAsync("COPY roster_members (batch_id, row_no, name, id_number, special_group) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var member in members)
            {
                copy.StartRow();
                copy.Write(batch.Id, NpgsqlDbType.Uuid);
                copy.Write(member.RowNumber, NpgsqlDbType.Integer);
                copy.Write(member.Name, NpgsqlDbType.Text);
                copy.Write(member.IdNumber, NpgsqlDbType.Text);
                if (member.SpecialGroup is { } group) copy.Write((short)group, NpgsqlDbType.Smallint); else copy.WriteNull();
            }
            await copy.CompleteAsync(cancellationToken);
        }
        var superseded = (await connection.QueryAsync<Guid>(new CommandDefinition($"""
            UPDATE import_batches SET state = '{BatchStates.Superseded}', superseded_by = @Id
            WHERE kind = @Kind AND year = @Year AND state = '{BatchStates.Accepted}' AND id <> @Id AND scope_code = @ScopeCode
            RETURNING id
            """, new { batch.Id, batch.Kind, batch.Year, batch.ScopeCode }, transaction, cancellationToken: cancellationToken))).AsList();
        await connection.ExecuteAsync(new CommandDefinition($"""
            UPDATE import_batches SET state = '{BatchStates.Accepted}', rows_read = @rowsRead, rows_accepted = @count, finished_at = now(), published_at = now() WHERE id = @Id
            """, new { batch.Id, rowsRead, count = members.Count }, transaction, cancellationToken: cancellationToken));
        await OutboxWriter.EnqueueAsync(connection, transaction, new RosterAccepted(batch.Id, batch.ScopeCode, batch.Year, members, superseded), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
