using SchemeRegistry.PolicyYears;
using Subsidy.Contracts;

namespace SchemeRegistry.Schemes;

/// <summary>
/// The rules of docs/design/02-schemes.md for a scheme's terms. Reports every violation at once,
/// each with its field and a Chinese message. A draft must already be sound; submission also needs
/// the democratic procedure record and the collective's name and credit code.
/// </summary>
public static class SchemeValidator
{
    public sealed record Result(List<(string Field, string Message)> Errors, SchemeTerms? Terms)
    {
        public bool IsValid => Errors.Count == 0;
    }

    /// <summary>Every part checked in turn, each adding its own errors; the terms only when nothing
    /// is wrong.</summary>
    public static Result Validate(
        SchemeTermsInput input,
        PolicyYear? policy,
        int year,
        bool forSubmission,
        DateOnly today
    )
    {
        var errors = new List<(string Field, string Message)>();
        if (policy is null)
        {
            errors.Add(("year", $"{year} 年度政策参数尚未设置，无法校验补助标准。"));
            return new Result(errors, null);
        }
        var (membership, stacking) = Basis(errors, input);
        var floors = Floors(errors, input.Floors ?? [], policy.Cap);
        var incentives = Incentives(errors, input.Incentives ?? [], policy, year);
        Income(errors, input.CollectiveIncome);
        var donations = Donations(errors, input.Donations ?? []);
        var procedure = input.Procedure ?? ProcedureRecord.Empty;
        var (organisation, creditCode) = Collective(errors, input);

        var terms = new SchemeTerms(
            membership,
            stacking,
            floors,
            incentives,
            input.CollectiveIncome ?? 0,
            donations,
            procedure,
            organisation,
            creditCode
        );
        if (input.CollectiveIncome is >= 0 && terms.Budget <= 0)
        {
            errors.Add(("collectiveIncome", "补助资金预算（集体收益加集体管理的捐赠）须大于0。"));
        }
        if ((input.Floors?.Count ?? 0) == 0 && (input.Incentives?.Count ?? 0) == 0)
        {
            errors.Add(("floors", "方案须至少设置一项托底补助或激励补助。"));
        }
        if (forSubmission)
        {
            CheckProcedure(errors, procedure, today);
            if (organisation is null)
                errors.Add(("organisationName", "提交前须填写村集体经济组织名称。"));
            if (creditCode is null)
                errors.Add(("creditCode", "提交前须填写村集体经济组织的统一社会信用代码。"));
        }
        return new Result(errors, errors.Count == 0 ? terms : null);
    }

    /// <summary>
    /// Who the members are (docs/design/02-schemes.md: the roster unless the scheme says otherwise)
    /// and how the two parts combine.
    /// </summary>
    private static (MembershipBasis, StackingRule) Basis(
        List<(string, string)> errors,
        SchemeTermsInput input
    )
    {
        var membership = MembershipBasis.Roster;
        if (
            input.MembershipBasis is { } membershipText
            && !Codes.Memberships.TryGetValue(membershipText, out membership)
        )
        {
            errors.Add(
                (
                    "membershipBasis",
                    $"成员范围“{membershipText}”无效，应为 roster（成员名册）或 insured-in-village（本村参保人员）。"
                )
            );
        }
        var stacking = StackingRule.Sum;
        if (input.Stacking is null)
        {
            errors.Add(
                ("stacking", "须选择托底补助与激励补助的叠加规则：sum（叠加）或 max（就高）。")
            );
        }
        else if (!Codes.Stackings.TryGetValue(input.Stacking, out stacking))
        {
            errors.Add(
                ("stacking", $"叠加规则“{input.Stacking}”无效，应为 sum（叠加）或 max（就高）。")
            );
        }
        return (membership, stacking);
    }

    /// <summary>托底补助: one amount per special group, each within the year's cap.</summary>
    private static List<FloorAmount> Floors(
        List<(string, string)> errors,
        IReadOnlyList<FloorInput> inputs,
        decimal cap
    )
    {
        var floors = new List<FloorAmount>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var floor = inputs[i];
            var field = $"floors[{i}]";
            SpecialGroup group = default;
            var knownGroup =
                floor.Group is not null && Codes.Groups.TryGetValue(floor.Group, out group);
            if (!knownGroup)
            {
                errors.Add(
                    (
                        $"{field}.group",
                        $"特殊群体类别“{floor.Group}”无效，应为低保对象、特困人员、重度残疾人、五保户或脱贫/防止返贫监测对象。"
                    )
                );
            }
            else if (floors.Any(f => f.Group == group))
            {
                errors.Add(
                    (
                        $"{field}.group",
                        $"特殊群体“{SpecialGroups.ChineseName(group)}”的托底补助重复设置。"
                    )
                );
            }
            if (
                CheckAmount(errors, $"{field}.amount", "托底补助金额", floor.Amount, cap)
                && knownGroup
            )
            {
                floors.Add(new FloorAmount(group, floor.Amount!.Value));
            }
        }
        return floors;
    }

    /// <summary>
    /// 激励补助: one row per tier of the year, below its tier (never paying it all), never less for a
    /// higher tier.
    /// </summary>
    private static List<IncentiveRow> Incentives(
        List<(string, string)> errors,
        IReadOnlyList<IncentiveInput> inputs,
        PolicyYear policy,
        int year
    )
    {
        var incentives = new List<IncentiveRow>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var row = inputs[i];
            var field = $"incentives[{i}]";
            var tierOk = true;
            if (row.MinTier is not { } tier)
            {
                errors.Add(($"{field}.minTier", "激励补助须指定起始缴费档次。"));
                tierOk = false;
            }
            else if (!policy.IsTier(tier))
            {
                var tiers = string.Join("、", policy.Tiers.Select(t => t.ToString("0.##")));
                errors.Add(
                    ($"{field}.minTier", $"{tier:0.##} 元不是 {year} 年度的缴费档次（{tiers}）。")
                );
                tierOk = false;
            }
            else if (incentives.Any(r => r.MinTier == tier))
            {
                errors.Add(($"{field}.minTier", $"缴费档次 {tier:0.##} 元的激励补助重复设置。"));
                tierOk = false;
            }
            var amountOk = CheckAmount(
                errors,
                $"{field}.amount",
                "激励补助金额",
                row.Amount,
                policy.Cap
            );
            if (tierOk && amountOk && row.Amount >= row.MinTier)
            {
                errors.Add(
                    (
                        $"{field}.amount",
                        $"激励补助 {row.Amount:0.##} 元须低于其缴费档次 {row.MinTier:0.##} 元（不能全额代缴）。"
                    )
                );
                amountOk = false;
            }
            if (tierOk && amountOk)
                incentives.Add(new IncentiveRow(row.MinTier!.Value, row.Amount!.Value));
        }
        incentives.Sort((a, b) => a.MinTier.CompareTo(b.MinTier));
        for (var i = 1; i < incentives.Count; i++)
        {
            if (incentives[i].Amount < incentives[i - 1].Amount)
            {
                var index = inputs
                    .Select((r, n) => (r.MinTier, n))
                    .First(r => r.MinTier == incentives[i].MinTier)
                    .n;
                var (lower, higher) = (incentives[i - 1], incentives[i]);
                errors.Add(
                    (
                        $"incentives[{index}].amount",
                        $"激励补助须随档次提高而不减少：{higher.MinTier:0.##} 元档 "
                            + $"{higher.Amount:0.##} 元少于 {lower.MinTier:0.##} 元档 {lower.Amount:0.##} 元。"
                    )
                );
            }
        }
        return incentives;
    }

    private static void Income(List<(string, string)> errors, decimal? collectiveIncome)
    {
        if (collectiveIncome is not { } income)
            errors.Add(("collectiveIncome", "须填写用于补助的集体经济组织收益。"));
        else if (income < 0)
            errors.Add(("collectiveIncome", "集体经济组织收益不能为负数。"));
        else if (decimal.Round(income, 2) != income)
            errors.Add(("collectiveIncome", "金额最多两位小数。"));
    }

    /// <summary>
    /// 捐赠: who gave, what kind of donor, how much, and whether the collective manages it (then it
    /// is budget).
    /// </summary>
    private static List<Donation> Donations(
        List<(string, string)> errors,
        IReadOnlyList<DonationInput> inputs
    )
    {
        var donations = new List<Donation>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var donation = inputs[i];
            var field = $"donations[{i}]";
            var ok = true;
            if (string.IsNullOrWhiteSpace(donation.Donor))
            {
                errors.Add(($"{field}.donor", "须填写捐赠方名称。"));
                ok = false;
            }
            DonorKind kind = default;
            if (donation.Kind is null || !Codes.DonorKinds.TryGetValue(donation.Kind, out kind))
            {
                errors.Add(
                    (
                        $"{field}.kind",
                        $"捐赠方类型“{donation.Kind}”无效，"
                            + "应为 organisation（经济组织）、individual（个人）或 charity（社会公益组织）。"
                    )
                );
                ok = false;
            }
            if (donation.Amount is not { } amount || amount <= 0)
            {
                errors.Add(($"{field}.amount", "捐赠金额须大于0。"));
                ok = false;
            }
            else if (decimal.Round(amount, 2) != amount)
            {
                errors.Add(($"{field}.amount", "金额最多两位小数。"));
                ok = false;
            }
            DonationManagement managedBy = default;
            if (
                donation.ManagedBy is null
                || !Codes.Managements.TryGetValue(donation.ManagedBy, out managedBy)
            )
            {
                errors.Add(
                    (
                        $"{field}.managedBy",
                        $"资金管理方式“{donation.ManagedBy}”无效，应为 collective（集体管理）或 direct（直接资助）。"
                    )
                );
                ok = false;
            }
            if (ok)
                donations.Add(
                    new Donation(donation.Donor!.Trim(), kind, donation.Amount!.Value, managedBy)
                );
        }
        return donations;
    }

    /// <summary>
    /// The collective economic organisation that pays: its name and a credit code whose check digit
    /// holds.
    /// </summary>
    private static (string? Organisation, string? CreditCode) Collective(
        List<(string, string)> errors,
        SchemeTermsInput input
    )
    {
        var organisation = input.OrganisationName?.Trim();
        var creditCode = input.CreditCode?.Trim().ToUpperInvariant();
        if (!string.IsNullOrEmpty(creditCode) && !CreditCode.IsValid(creditCode))
        {
            errors.Add(
                ("creditCode", $"统一社会信用代码 {creditCode} 无效（18位，末位校验码须正确）。")
            );
        }
        return (
            string.IsNullOrEmpty(organisation) ? null : organisation,
            string.IsNullOrEmpty(creditCode) ? null : creditCode
        );
    }

    private static void CheckProcedure(
        List<(string, string)> errors,
        ProcedureRecord procedure,
        DateOnly today
    )
    {
        DateOnly? previous = null;
        string? previousLabel = null;
        foreach (var (field, label, date) in procedure.Steps())
        {
            if (date is null)
            {
                errors.Add((field, $"“四议两公开”记录不完整：缺少{label}日期，提交前须补齐。"));
                continue;
            }
            if (date > today)
                errors.Add((field, $"{label}日期 {date:yyyy-MM-dd} 晚于今天。"));
            if (previous is not null && date < previous)
            {
                errors.Add(
                    (
                        field,
                        $"{label}日期 {date:yyyy-MM-dd} 早于{previousLabel}日期 {previous:yyyy-MM-dd}。"
                    )
                );
            }
            previous = date;
            previousLabel = label;
        }
    }

    private static bool CheckAmount(
        List<(string, string)> errors,
        string field,
        string label,
        decimal? amount,
        decimal cap
    )
    {
        if (amount is not { } value)
        {
            errors.Add((field, $"须填写{label}。"));
            return false;
        }
        if (value < 0)
        {
            errors.Add((field, $"{label} {value:0.##} 元不能为负数。"));
            return false;
        }
        if (value > cap)
        {
            errors.Add((field, $"{label} {value:0.##} 元超过当年个人缴费最高档次 {cap:0.##} 元。"));
            return false;
        }
        if (decimal.Round(value, 2) != value)
        {
            errors.Add((field, $"{label}最多两位小数。"));
            return false;
        }
        return true;
    }
}
