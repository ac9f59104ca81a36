using System.Security.Cryptography;
using System.Text;
using Dapper;
using MassTransit;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;

namespace ContributionImport.Imports;

/// <summary>
/// Sends an accepted batch's records to the calculation village by village, in chunks of at most
/// <see cref="BatchProcessor.ChunkRows"/> records. Progress is recorded per village, and every
/// chunk has a message id derived from (batch, village, chunk), so resuming after a crash re-sends
/// only what consumers will recognise as already seen.
/// </summary>
public sealed class VillageChunkPublisher(
    NpgsqlDataSource dataSource,
    IBus bus,
    ILogger<VillageChunkPublisher> logger
) : NotifiedWorker(dataSource, logger, "import_published", TimeSpan.FromSeconds(10))
{
    private const int ParallelVillages = 4;

    private const string RowsSql = """
        SELECT row_no AS RowNumber, person, village_code AS VillageCode,
            year::int AS Year,
               item::int AS Item, pay_type::int AS Type, tier, amount, paid_on AS PaidOn, identity, special_group::int AS SpecialGroup,
               receiving_benefits AS ReceivingBenefits
        FROM contribution_rows WHERE batch_id = @BatchId AND village_code = @VillageCode ORDER BY row_no
        """;

    private sealed class RecordRow
    {
        public int RowNumber { get; set; }
        public byte[] Person { get; set; } = [];
        public string VillageCode { get; set; } = "";
        public int Year { get; set; }
        public int Item { get; set; }
        public int Type { get; set; }
        public decimal? Tier { get; set; }
        public decimal Amount { get; set; }
        public DateOnly PaidOn { get; set; }
        public string? Identity { get; set; }
        public int? SpecialGroup { get; set; }
        public bool ReceivingBenefits { get; set; }

        public ContributionRecord ToRecord()
        {
            var (name, idNumber) = PersonalData.Current.OpenPerson(Person);
            return new(
                RowNumber,
                name,
                idNumber,
                VillageCode,
                Year,
                (ContributionItem)Item,
                (PaymentType)Type,
                Tier,
                Amount,
                PaidOn,
                Identity,
                SpecialGroup is { } g ? (Subsidy.Contracts.SpecialGroup)g : null,
                ReceivingBenefits
            );
        }
    }

    protected override async Task<bool> WorkAsync(
        NpgsqlConnection session,
        CancellationToken cancellationToken
    )
    {
        await PublishPendingAsync(cancellationToken);
        return false;
    }

    public async Task PublishPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        var batches = (
            await connection.QueryAsync<(Guid Id, int Year)>(
                new CommandDefinition(
                    $"SELECT id, year FROM import_batches WHERE state = '{BatchStates.Accepted}' AND published_at IS NULL ORDER BY finished_at",
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();
        foreach (var (batchId, year) in batches)
        {
            var pending = await connection.QueryAsync<string>(
                new CommandDefinition(
                    """
                    SELECT DISTINCT r.village_code FROM contribution_rows r
                    WHERE r.batch_id = @batchId AND NOT EXISTS (SELECT 1 FROM published_villages p
                        WHERE p.batch_id = @batchId AND p.village_code = r.village_code)
                    ORDER BY 1
                    """,
                    new { batchId },
                    cancellationToken: cancellationToken
                )
            );
            // Villages go out a few at a time: one after another, each waiting for its broker
            // confirms, a city's villages took longer to send than the calculation took to use
            // them.
            var parallel = new ParallelOptions
            {
                MaxDegreeOfParallelism = ParallelVillages,
                CancellationToken = cancellationToken,
            };
            await Parallel.ForEachAsync(pending, parallel, async (village, ct) =>
                await PublishVillageAsync(batchId, year, village, ct)
            );
            await connection.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE import_batches SET published_at = now() WHERE id = @batchId",
                    new { batchId },
                    cancellationToken: cancellationToken
                )
            );
        }
    }

    private async Task PublishVillageAsync(
        Guid batchId,
        int year,
        string village,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        var records = (
            await connection.QueryAsync<RecordRow>(
                new CommandDefinition(
                    RowsSql,
                    new { BatchId = batchId, VillageCode = village },
                    cancellationToken: cancellationToken
                )
            )
        )
            .Select(r => r.ToRecord())
            .ToList();
        var chunks = records.Chunk(BatchProcessor.ChunkRows).ToList();
        await Task.WhenAll(
            chunks.Select(
                (chunk, i) =>
                    bus.Publish(
                        new VillageContributions(batchId, village, year, i, chunks.Count, chunk),
                        context => context.MessageId = ChunkMessageId(batchId, village, i),
                        cancellationToken
                    )
            )
        );
        await connection.ExecuteAsync(
            new CommandDefinition(
                "INSERT INTO published_villages (batch_id, village_code) VALUES (@batchId, @village) ON CONFLICT DO NOTHING",
                new { batchId, village },
                cancellationToken: cancellationToken
            )
        );
    }

    public static Guid ChunkMessageId(Guid batchId, string villageCode, int chunk)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{batchId:N}/{villageCode}/{chunk}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}
