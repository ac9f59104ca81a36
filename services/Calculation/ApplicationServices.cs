using Calculation.Inputs;
using Calculation.Settlement;
using MassTransit;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceData.Divisions;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceData.Telemetry;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Telemetry;
using Subsidy.ServiceDefaults.Time;

namespace Calculation;

internal static class ApplicationServices
{
    public const string ServiceName = "calculation";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddSubsidyAuthentication();
        builder.AddServiceDatabase("calculation");
        builder
            .AddSealedColumns(
                new SealedColumn(
                    "rosters",
                    "members_sealed",
                    new PlainOrigin("convert_to(members::text, 'UTF8')", ["members"])
                ),
                new SealedColumn(
                    "contribution_chunks",
                    "records_sealed",
                    new PlainOrigin("convert_to(records::text, 'UTF8')", ["records"])
                ),
                new SealedColumn(
                    "member_results",
                    "person",
                    new PlainOrigin(
                        "convert_to(name || chr(31) || id_number, 'UTF8')",
                        ["name", "id_number"],
                        "id_index",
                        "id_number"
                    )
                ),
                new SealedColumn(
                    "objections",
                    "id_sealed",
                    new PlainOrigin(
                        "convert_to(id_number, 'UTF8')",
                        ["id_number"],
                        "id_index",
                        "id_number"
                    )
                )
            )
            .AddBlindIndexColumns(
                new BlindIndexColumn("roster_members", "id_index", "id_number"),
                new BlindIndexColumn("lump_sum_payments", "id_index", "id_number")
            );
        builder.Services.AddSingleton(Calculation.Audit.CalculationAuditWording.Create());
        builder.AddDivisionReplica();
        builder.AddMessaging(ServiceName, bus =>
        {
            bus.AddDivisionReplicaConsumer();
            bus.AddConsumer<PolicyYearConsumer, IdempotentConsumerDefinition<PolicyYearConsumer>>();
            bus.AddConsumer<
                SchemeTermsConsumer,
                IdempotentConsumerDefinition<SchemeTermsConsumer>
            >();
            bus.AddConsumer<
                PilotStatusConsumer,
                IdempotentConsumerDefinition<PilotStatusConsumer>
            >();
            bus.AddConsumer<RosterConsumer, IdempotentConsumerDefinition<RosterConsumer>>();
            bus.AddConsumer<
                BatchAcceptedConsumer,
                IdempotentConsumerDefinition<BatchAcceptedConsumer>
            >();
            bus.AddConsumer<
                VillageContributionsConsumer,
                IdempotentConsumerDefinition<VillageContributionsConsumer>
            >();
            bus.AddConsumer<
                PaymentReceivedConsumer,
                IdempotentConsumerDefinition<PaymentReceivedConsumer>
            >();
            bus.AddConsumer<
                PaymentRejectedConsumer,
                IdempotentConsumerDefinition<PaymentRejectedConsumer>
            >();
        });
        builder.Services.AddHostedService<VillageYearCalculator>();
        builder.Services.AddSingleton(
            new GaugeQuery(
                "backlog",
                "SELECT 'village-years-to-calculate', count(*)::bigint FROM pending_village_years"
            )
        );
        builder.Services.AddSingleton(
            new GaugeQuery(
                "village_years",
                "SELECT state, count(*)::bigint FROM village_years GROUP BY state"
            )
        );
        // The operators' business dashboard, per county: where its village-years stand and what has
        // reached residents.
        builder.Services.AddSingleton(
            new GaugeQuery(
                "county_village_years",
                "SELECT left(village_code, 6) || '|' || state, count(*)::bigint FROM village_years GROUP BY 1"
            )
        );
        builder.Services.AddSingleton(
            new GaugeQuery(
                "county_credited_fen",
                """
                SELECT left(village_code, 6) || '|' || year, (sum(paid_amount) * 100)::bigint FROM
                    payment_notices
                WHERE credited_on IS NOT NULL GROUP BY 1
                """
            )
        );
        builder.Services.AddBusinessClock();
    }
}
