using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Document.Rendering;
using Subsidy.Contracts;
using Subsidy.Demo;

namespace Subsidy.Benchmarks;

/// <summary>
/// docs/design/09-performance-targets.md: all rosters (XLSX and PDF) of a city-sized year within 60
/// s. Renders every village's 花名册 from the same realistic year the other benchmarks use, on all
/// cores as the document service's consumers do, and times, side by side, writing the same rows as
/// plain CSV — the least any rendering can cost. Also writes one sample of each document, with a
/// PNG of its first page, for the README (<c>samples</c>).
/// </summary>
public static class DocumentBenchmark
{
    public static int Run(int rows, int villageCount)
    {
        PdfFonts.Use();
        var year = DateTime.UtcNow.Year;
        var villages = ExportRecords.CityVillages(villageCount);
        var file = ExportRecords.NewFile("subsidy-documents-bench.csv");
        DemoExport.Write(file, rows, year, villages);
        var data = Years(file, year, villages);
        Console.WriteLine(
            $"{data.Count:N0} villages, {data.Sum(d => d.Recipients.Count):N0} recipients"
        );

        var baseline = Stopwatch.StartNew();
        long csvBytes = 0;
        Parallel.ForEach(data, d => Interlocked.Add(ref csvBytes, CreditedExport.Csv(d).Length));
        baseline.Stop();

        var clock = Stopwatch.StartNew();
        long xlsxBytes = 0,
            pdfBytes = 0,
            pages = 0;
        Parallel.ForEach(data, d =>
        {
            var xlsx = RosterDocument.Xlsx(d);
            var pdf = RosterDocument.Pdf(d);
            SHA256.HashData(xlsx);
            SHA256.HashData(pdf);
            Interlocked.Add(ref xlsxBytes, xlsx.Length);
            Interlocked.Add(ref pdfBytes, pdf.Length);
            Interlocked.Add(ref pages, (d.Recipients.Count + 21) / 22);
        });
        clock.Stop();

        Console.WriteLine();
        Console.WriteLine(
            "| measure | all rosters, XLSX and PDF (with SHA-256) | the same rows as plain CSV (baseline) |"
        );
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| villages | {data.Count:N0} | {data.Count:N0} |");
        Console.WriteLine(
            $"| output | {xlsxBytes / 1048576.0:0.0} MiB XLSX + {pdfBytes / 1048576.0:0.0} MiB PDF ({pages:N0} A4 pages) | {csvBytes / 1048576.0:0.0} MiB |"
        );
        Console.WriteLine(
            $"| time | {clock.Elapsed.TotalSeconds:0.0} s | {baseline.Elapsed.TotalSeconds:0.0} s |"
        );
        Console.WriteLine(
            $"| target ≤ 60 s | {(clock.Elapsed.TotalSeconds <= 60 ? "met" : "NOT met")} | – |"
        );

        // The rest of a year's documents, one kind at a time on one core: what the settlement steps
        // set off.
        var notice = new PaymentNoticeInfo(
            "360222-2026-0001",
            "360222",
            1000m,
            new DateOnly(year, 11, 2),
            new DateOnly(year, 12, 2),
            null,
            null
        );
        var settled = data.Select(d =>
                d with
                {
                    NoticeStart = new DateOnly(year, 10, 12),
                    NoticeEnd = new DateOnly(year, 10, 18),
                    PaymentNotice = notice,
                }
            )
            .ToList();
        Console.WriteLine();
        Console.WriteLine("| document (one core) | per village | all villages |");
        Console.WriteLine("|---|---|---|");
        foreach (
            var (kind, render) in new (string, Func<VillageYearData, byte[]>)[]
            {
                ("花名册 XLSX", RosterDocument.Xlsx),
                ("花名册 PDF", RosterDocument.Pdf),
                ("公示 PDF", NoticeDocument.Pdf),
                ("申报表 PDF", FormDocuments.Application),
                ("缴费通知单 PDF", FormDocuments.PaymentNotice),
                ("到账明细 XLSX", CreditedExport.Xlsx),
                ("到账明细 CSV", CreditedExport.Csv),
            }
        )
        {
            var one = Stopwatch.StartNew();
            foreach (var d in settled)
                SHA256.HashData(render(d));
            Console.WriteLine(
                $"| {kind} | {one.Elapsed.TotalMilliseconds / settled.Count:0.0} ms | {one.Elapsed.TotalSeconds:0.0} s |"
            );
        }
        return 0;
    }

    /// <summary>One of each document for a village of 浮梁县, as PDF/XLSX/CSV and the PDFs' first
    /// pages as PNG.</summary>
    public static int Samples(string directory)
    {
        PdfFonts.Use();
        Directory.CreateDirectory(directory);
        var people = new (
            string Name,
            SpecialGroup? Group,
            decimal Tier,
            decimal Subsidy,
            string? Note
        )[]
        {
            ("张建华", SpecialGroup.Dibao, 300, 300, null),
            ("王秀英", null, 500, 100, null),
            ("李国强", null, 1000, 300, null),
            ("刘桂兰", SpecialGroup.Tekun, 300, 400, null),
            ("陈志明", null, 2000, 500, null),
            ("杨玉梅", null, 500, 120, "异议采纳调整"),
            ("黄春生", SpecialGroup.SevereDisability, 300, 300, null),
            ("赵金花", null, 1000, 300, null),
            ("吴水根", null, 3000, 500, null),
            ("周冬梅", null, 500, 100, null),
            ("徐小平", SpecialGroup.PovertyMonitoring, 500, 250, null),
            ("孙长发", null, 1500, 300, null),
        };
        var lines = people
            .Select(
                (p, i) =>
                {
                    var first17 = $"36022219{60 + i:00}0{(i % 9) + 1}1{i % 10}02{i % 10}";
                    return new SettlementLine(
                        first17 + IdNumber.CheckCharacter(first17),
                        p.Name,
                        p.Group,
                        p.Tier,
                        p.Tier,
                        p.Subsidy,
                        null,
                        [],
                        p.Note
                    );
                }
            )
            .ToList();
        var data = new VillageYearData(
            "360222106201",
            "蛟潭镇",
            "礼芳村",
            2026,
            "浮梁县蛟潭镇礼芳村股份经济合作社",
            new DateOnly(2026, 11, 2),
            new DateOnly(2026, 10, 12),
            new DateOnly(2026, 10, 18),
            lines,
            "N2360222MF0000000K",
            60000m,
            "浮梁县",
            new PaymentNoticeInfo(
                "360222-2026-0007",
                "360222",
                lines.Sum(l => l.Subsidy),
                new DateOnly(2026, 11, 2),
                new DateOnly(2026, 12, 2),
                null,
                null
            )
        );
        var files = new Dictionary<string, byte[]>
        {
            ["roster.pdf"] = RosterDocument.Pdf(data),
            ["roster.xlsx"] = RosterDocument.Xlsx(data),
            ["notice.pdf"] = NoticeDocument.Pdf(data),
            ["application.pdf"] = FormDocuments.Application(data),
            ["payment-notice.pdf"] = FormDocuments.PaymentNotice(data),
            ["credited.csv"] = CreditedExport.Csv(data),
            ["credited.xlsx"] = CreditedExport.Xlsx(data),
            ["statement.pdf"] = StatementDocument.Pdf(
                Statement(
                    lines[1] with
                    {
                        IdNumber =
                            "36022219850612002" + IdNumber.CheckCharacter("36022219850612002"),
                    }
                ),
                data.VillageName,
                data.TownshipName
            ),
            ["assessment.pdf"] = Assessment(),
        };
        foreach (var (name, bytes) in files)
        {
            var path = Path.Combine(directory, name);
            File.WriteAllBytes(path, bytes);
            if (!name.EndsWith(".pdf", StringComparison.Ordinal))
                continue;
            using var render = Process.Start(
                new ProcessStartInfo(
                    "pdftoppm",
                    [
                        "-png",
                        "-r",
                        "60",
                        "-f",
                        "1",
                        "-l",
                        "1",
                        "-singlefile",
                        path,
                        Path.ChangeExtension(path, null),
                    ]
                )
            )!;
            render.WaitForExit();
            Console.WriteLine($"{Path.ChangeExtension(path, ".png")}");
        }
        return 0;
    }

    /// <summary>浮梁县's 考核表 over four townships of made-up but plausible villages (one suspended, one
    /// not in the pilot).</summary>
    private static byte[] Assessment()
    {
        var townships = new (string Code, string Name)[]
        {
            ("360222106", "蛟潭镇"),
            ("360222100", "浮梁镇"),
            ("360222103", "鹅湖镇"),
            ("360222109", "瑶里镇"),
        };
        var villages = townships
            .SelectMany(
                (t, ti) =>
                    Enumerable
                        .Range(1, 4)
                        .Select(v =>
                        {
                            var members = 800 + 150 * v + 90 * ti;
                            Document.Assessment.VillageYearFigures Figures(
                                int year,
                                decimal shift
                            ) =>
                                new(
                                    "credited",
                                    members,
                                    members * 8 / 10,
                                    members * 7 / 10,
                                    members * 7 / 10 * (150 + 20 * v + shift),
                                    members * 7 / 10,
                                    members * 7 / 10 * (600 + 100 * v + 80 * ti + shift),
                                    members * (2 + v + ti - (int)(shift / 100)) / 20
                                );
                            var status = (ti, v) switch
                            {
                                (2, 4) => "suspended",
                                (3, 4) => null,
                                _ => "active",
                            };
                            return new Document.Assessment.AssessedVillage(
                                $"{t.Code}2{v:00}",
                                t.Code + "000",
                                status,
                                status is null ? null : Figures(2026, 0),
                                status is null ? null : Figures(2025, -100)
                            );
                        })
            )
            .ToList();
        var names = townships.ToDictionary(t => t.Code + "000", t => t.Name);
        var rows = Document.Assessment.AssessmentRules.Rows(villages, names);
        var total = Document.Assessment.AssessmentRules.Total("360222000000", "浮梁县", villages);
        return Document.Rendering.AssessmentDocument.Pdf(
            "浮梁县",
            2026,
            new DateOnly(2026, 12, 2),
            rows,
            total
        );
    }

    /// <summary>王秀英's statement (born 1985) under the sample village's scheme: 500 元 this year, two
    /// years credited before.</summary>
    private static ResidentStatement Statement(SettlementLine person) =>
        Calculation.Statements.StatementRules.Compose(
            new Calculation.Statements.StatementInputs(
                new Calculation.Rules.SchemeInput(
                    MembershipBasis.Roster,
                    StackingRule.Sum,
                    [new(SpecialGroup.Dibao, 200), new(SpecialGroup.Tekun, 300)],
                    [new(500, 100), new(1000, 300), new(2000, 500)],
                    60000
                ),
                new Calculation.Rules.PolicyInput(
                    2026,
                    [300, 400, 500, 600, 700, 800, 900, 1000, 1500, 2000, 3000, 4000, 5000, 6000],
                    100,
                    new DateOnly(2026, 9, 30),
                    6000
                ),
                "360222106201",
                2026,
                person.Name,
                person.IdNumber,
                null,
                null,
                500,
                100,
                false,
                [
                    new CreditedYear(2024, "360222106201", 100),
                    new CreditedYear(2025, "360222106201", 100),
                ]
            )
        );

    private static List<VillageYearData> Years(
        string file,
        int year,
        IReadOnlyList<string> villages
    )
    {
        var records = ExportRecords.Read(file, year, villages);
        var policy = new Calculation.Rules.PolicyInput(
            year,
            [300, 400, 500, 600, 700, 800, 900, 1000, 1500, 2000, 3000, 4000, 5000, 6000],
            100,
            new DateOnly(year, 9, 30),
            6000
        );
        var scheme = new Calculation.Rules.SchemeInput(
            MembershipBasis.InsuredInVillage,
            StackingRule.Sum,
            [new(SpecialGroup.Dibao, 200), new(SpecialGroup.Tekun, 300)],
            [new(500, 50), new(1000, 100), new(2000, 200)],
            200000
        );
        return records
            .GroupBy(r => r.VillageCode)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var results = Calculation.Rules.SubsidyRules.Calculate(
                    scheme,
                    policy,
                    [],
                    g.ToList(),
                    Calculation.Rules.Elsewhere.Nobody
                );
                var lines = results
                    .Select(r => new SettlementLine(
                        r.IdNumber,
                        r.Name,
                        r.Group,
                        r.Tier,
                        r.OwnContribution,
                        r.Subsidy,
                        r.Exclusion is { } e ? Calculation.Rules.ResultCodes.Of(e) : null,
                        Calculation.Rules.ResultCodes.ListOf(r.Flags),
                        null
                    ))
                    .ToList();
                return new VillageYearData(
                    g.Key,
                    "蛟潭镇",
                    $"村{g.Key[^5..]}",
                    year,
                    $"村{g.Key[^5..]}股份经济合作社",
                    new DateOnly(year, 11, 2),
                    null,
                    null,
                    lines
                );
            })
            .ToList();
    }
}
