using Document.Assessment;
using Document.Rendering;
using MiniExcelLibs;
using UglyToad.PdfPig;

namespace Subsidy.UnitTests.Document;

public class AssessmentTests
{
    static AssessmentTests() => PdfFonts.Use();

    private const string TownA = "360222100000",
        TownB = "360222101000";

    private static VillageYearFigures Figures(
        int members,
        int eligible,
        int recipients,
        decimal credited,
        params decimal[] tiers
    ) =>
        new(
            "credited",
            members,
            eligible,
            recipients,
            credited,
            tiers.Length,
            tiers.Sum(),
            tiers.Count(t => t >= 1000)
        );

    internal static readonly AssessedVillage[] Villages =
    [
        new(
            "360222100201",
            TownA,
            "active",
            Figures(3, 3, 3, 700, 500, 1000, 1500),
            Figures(3, 2, 2, 400, 500, 500)
        ),
        new("360222100202", TownA, "suspended", Figures(2, 1, 1, 0, 300), null),
        new("360222100203", TownA, null, null, null),
        new("360222101201", TownB, "active", Figures(2, 2, 2, 800, 2000, 3000), null),
        new("360222101202", TownB, "applied", Figures(9, 9, 9, 999, 6000), null), // not in the pilot: not counted
    ];

    internal static readonly Dictionary<string, string> Names = new()
    {
        [TownA] = "浮梁镇",
        [TownB] = "鹅湖镇",
    };

    [Fact]
    public void A_townships_row_counts_its_villages_and_only_its_pilot_villages_figures()
    {
        var a = AssessmentRules.Rows(Villages, Names).Single(r => r.Code == TownA);
        Assert.Equal((3, 2, 1), (a.Villages, a.PilotVillages, a.SuspendedVillages));
        Assert.Equal(0.6667m, a.Coverage);
        Assert.Equal((5, 4, 4, 700m), (a.Members, a.Eligible, a.Subsidised, a.Credited));
        Assert.Equal(Math.Round((500m + 1000 + 1500 + 300) / 4, 2), a.AverageTier);
        Assert.Equal(0.5m, a.ShareAt1000);
        Assert.Equal((500m, 0m), (a.AverageTierLastYear, a.ShareAt1000LastYear));
    }

    [Fact]
    public void A_year_not_settled_here_shows_nothing_rather_than_zero()
    {
        var b = AssessmentRules.Rows(Villages, Names).Single(r => r.Code == TownB);
        Assert.Null(b.AverageTierLastYear);
        Assert.Null(b.ShareAt1000LastYear);
        Assert.Equal(
            (2, 1, 2500m, 1m),
            (b.Villages, b.PilotVillages, b.AverageTier, b.ShareAt1000)
        );
    }

    [Fact]
    public void Units_are_ranked_by_coverage_then_members_subsidised()
    {
        var rows = AssessmentRules.Rows(Villages, Names);
        Assert.Equal([TownA, TownB], rows.Select(r => r.Code)); // two thirds beat a half
        Assert.Equal([1, 2], rows.Select(r => r.Rank));
        var tied = AssessmentRules.Rows([Villages[0], Villages[3]], Names);
        Assert.Equal([TownA, TownB], tied.Select(r => r.Code)); // both fully covered: 3 subsidised beat 2
    }

    [Fact]
    public void The_total_counts_every_village_once()
    {
        var total = AssessmentRules.Total("360222000000", "浮梁县", Villages);
        Assert.Equal(
            (5, 3, 1, 7, 1500m),
            (
                total.Villages,
                total.PilotVillages,
                total.SuspendedVillages,
                total.Members,
                total.Credited
            )
        );
    }

    [Fact]
    public void The_report_is_a_workbook_and_a_pdf_with_a_row_per_township_and_the_total()
    {
        var rows = AssessmentRules.Rows(Villages, Names);
        var total = AssessmentRules.Total("360222000000", "浮梁县", Villages);
        var xlsx = AssessmentDocument.Xlsx("浮梁县", 2026, new DateOnly(2026, 12, 1), rows, total);
        var sheet = MiniExcel
            .Query(new MemoryStream(xlsx), useHeaderRow: false)
            .Cast<IDictionary<string, object?>>()
            .ToList();
        Assert.Equal("浮梁县2026年度城乡居民基本养老保险集体补助试点考核表", sheet[0]["A"]);
        Assert.Equal(
            ["1", TownA, "浮梁镇"],
            new[] { sheet[3]["A"], sheet[3]["B"], sheet[3]["C"] }.Select(v => v?.ToString())
        );
        Assert.Equal("合计", sheet[5]["C"]);
        Assert.Equal(0.667, Math.Round(Convert.ToDouble(sheet[3]["F"]), 3));
        Assert.Equal(
            xlsx,
            AssessmentDocument.Xlsx("浮梁县", 2026, new DateOnly(2026, 12, 1), rows, total)
        );
        using var pdf = PdfDocument.Open(
            AssessmentDocument.Pdf("浮梁县", 2026, new DateOnly(2026, 12, 1), rows, total)
        );
        var text = string.Concat(
            pdf.GetPages().Select(p => string.Concat(p.Letters.Select(l => l.Value)))
        );
        Assert.Contains("浮梁镇", text);
        Assert.Contains("鹅湖镇", text);
        Assert.Contains("合计", text);
    }
}
