using System.Text.Json;
using Subsidy.Contracts;

namespace Subsidy.UnitTests.Contracts;

public class ContributionRecordJsonTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly ContributionRecord Full = new(
        17,
        "张三",
        "360222199001011234",
        "360222100201",
        2026,
        ContributionItem.Collective,
        PaymentType.BackPayment,
        500.00m,
        123.45m,
        new DateOnly(2026, 3, 9),
        "脱贫人口",
        SpecialGroup.Tekun,
        true
    );

    private static readonly ContributionRecord Sparse = Full with
    {
        Tier = null,
        Identity = null,
        SpecialGroup = null,
        ReceivingBenefits = false,
        Amount = 300m,
    };

    [Fact]
    public void A_record_is_written_as_a_positional_array_with_the_business_systems_codes()
    {
        var json = JsonSerializer.Serialize(Full, Web);

        using var document = JsonDocument.Parse(json);
        var fields = document.RootElement.EnumerateArray().Select(e => e.ToString()).ToList();
        Assert.Equal(
            [
                "17",
                "张三",
                "360222199001011234",
                "360222100201",
                "2026",
                "6",
                "31",
                "500.00",
                "123.45",
                "2026-03-09",
                "脱贫人口",
                "tekun",
                "True",
            ],
            fields
        );
    }

    [Fact]
    public void Every_field_comes_back_as_it_went_whether_present_or_empty()
    {
        foreach (var record in new[] { Full, Sparse })
        {
            var back = JsonSerializer.Deserialize<ContributionRecord>(
                JsonSerializer.Serialize(record, Web),
                Web
            );
            Assert.Equal(record, back);
        }
    }

    [Fact]
    public void Amounts_keep_their_scale_so_a_fingerprint_of_the_records_does_not_change_on_the_way()
    {
        var back = JsonSerializer.Deserialize<List<ContributionRecord>>(
            JsonSerializer.Serialize(new[] { Full, Sparse }, Web),
            Web
        )!;

        Assert.Equal(
            "500.00",
            back[0].Tier!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
        );
        Assert.Equal(
            JsonSerializer.Serialize(new[] { Full, Sparse }, Web),
            JsonSerializer.Serialize(back, Web)
        );
    }

    [Fact]
    public void A_group_stored_by_its_number_before_the_codes_reads_the_same()
    {
        var old =
            """[17,"张三","360222199001011234","360222100201",2026,6,31,500.00,123.45,"2026-03-09","脱贫人口",2,true]""";
        Assert.Equal(Full, JsonSerializer.Deserialize<ContributionRecord>(old, Web));
    }

    [Theory]
    [InlineData(
        """[1,"张三","360222199001011234","360222100201",2026,1,10,null,300.00,"2026-03-09",null,"dibo",false]""",
        "dibo"
    )]
    [InlineData("""{"rowNumber":1}""", "应为数组")]
    [InlineData(
        """[1,"张三","360222199001011234","360222100201",2026,1,10,null,300.00,"2026-03-09",null,null]""",
        "少于 13 个"
    )]
    [InlineData(
        """[1,"张三","360222199001011234","360222100201",2026,1,10,null,300.00,"2026-03-09",null,null,false,1]""",
        "多于 13 个"
    )]
    [InlineData(
        """[1,"张三","360222199001011234","360222100201",2026,1,10,null,null,"2026-03-09",null,null,false]""",
        "缺少金额"
    )]
    public void A_malformed_record_is_refused_with_the_reason(string json, string reason)
    {
        var error = Assert.Throws<JsonException>(() =>
            JsonSerializer.Deserialize<ContributionRecord>(json, Web)
        );
        Assert.Contains(reason, error.Message);
    }
}
