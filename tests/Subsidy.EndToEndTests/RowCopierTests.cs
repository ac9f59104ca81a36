using ContributionImport.Imports;
using Dapper;
using Npgsql;
using Subsidy.Contracts;

namespace Subsidy.EndToEndTests;

/// <summary>The import's copier against the real database: records written on its own thread
/// are all there once flushed, and what the database refuses reaches the import as the database
/// said it.</summary>
[Collection(SystemCollection.Name)]
public class RowCopierTests(SubsidySystem system)
{
    private static ContributionRecord Record(int row, decimal amount = 500m) =>
        new(
            row,
            $"复制{row}",
            ContributionFiles.Id(950_000 + row),
            "360222105201",
            BusinessDay.Today.Year,
            ContributionItem.Personal,
            PaymentType.Normal,
            500m,
            amount,
            new DateOnly(BusinessDay.Today.Year, 3, 15),
            null,
            null,
            false
        );

    private static Task<long> RowsAsync(NpgsqlConnection connection, Guid batchId) =>
        connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM contribution_rows WHERE batch_id = @batchId",
            new { batchId }
        );

    [Fact]
    public async Task Records_written_in_two_segments_are_all_stored_once_flushed()
    {
        await using var connection = await system.OpenDatabaseAsync("contribution_import");
        var personalData = await system.PersonalDataAsync("contribution_import");
        var batchId = Guid.NewGuid();
        await using (var copier = new RowCopier(connection, batchId, personalData))
        {
            for (var row = 2; row < 5002; row++)
                copier.Write(Record(row));
            copier.Flush();
            for (var row = 5002; row < 7002; row++)
                copier.Write(Record(row));
            copier.Flush();
            Assert.Equal(7000, copier.Written);
            Assert.Equal(7000, copier.VillageRows["360222105201"]);
            Assert.False(copier.MayHoldDuplicates());
        }
        await using var reader = await system.OpenDatabaseAsync("contribution_import");
        Assert.Equal(7000, await RowsAsync(reader, batchId));
        var person = await reader.ExecuteScalarAsync<byte[]>(
            "SELECT person FROM contribution_rows WHERE batch_id = @batchId AND row_no = 6001",
            new { batchId }
        );
        Assert.Equal(("复制6001", ContributionFiles.Id(956_001)), personalData.OpenPerson(person!));
        await reader.ExecuteAsync(
            "DELETE FROM contribution_rows WHERE batch_id = @batchId",
            new { batchId }
        );
    }

    [Fact]
    public async Task An_amount_the_database_refuses_reaches_the_import_as_the_database_said_it_and_leaves_no_row()
    {
        await using var connection = await system.OpenDatabaseAsync("contribution_import");
        var personalData = await system.PersonalDataAsync("contribution_import");
        var batchId = Guid.NewGuid();
        await using var copier = new RowCopier(connection, batchId, personalData);
        var refused = Assert.Throws<PostgresException>(() =>
        {
            for (var row = 2; row < 3000; row++)
                copier.Write(Record(row));
            // numeric(12,2) holds at most ten digits before the point.
            copier.Write(Record(3000, amount: 100_000_000_000m));
            for (var row = 3001; row < 6000; row++)
                copier.Write(Record(row));
            copier.Flush();
        });
        Assert.Equal(PostgresErrorCodes.NumericValueOutOfRange, refused.SqlState);
        await copier.DeleteAsync(CancellationToken.None);

        await using var reader = await system.OpenDatabaseAsync("contribution_import");
        Assert.Equal(0, await RowsAsync(reader, batchId));
    }
}
