using Portal.Gateway;

namespace Portal.Components.Pages.Schemes;

/// <summary>The scheme's terms as the form edits them (docs/design/02-schemes.md); sent to the API
/// as they are, for it to judge.</summary>
public sealed class SchemeForm
{
    public string MembershipBasis { get; set; } = "roster";
    public string? Stacking { get; set; } = "sum";
    public List<FloorRow> Floors { get; set; } = [];
    public List<IncentiveRow> Incentives { get; set; } = [];
    public decimal? CollectiveIncome { get; set; }
    public List<DonationRow> Donations { get; set; } = [];
    public DateOnly? ProposedOn { get; set; }
    public DateOnly? FirstDeliberationOn { get; set; }
    public DateOnly? SecondDeliberationOn { get; set; }
    public DateOnly? ResolvedOn { get; set; }
    public DateOnly? PublishedOn { get; set; }
    public string? OrganisationName { get; set; }
    public string? CreditCode { get; set; }

    public sealed class FloorRow
    {
        public string? Group { get; set; }
        public decimal? Amount { get; set; }
    }

    public sealed class IncentiveRow
    {
        public decimal? MinTier { get; set; }
        public decimal? Amount { get; set; }
    }

    public sealed class DonationRow
    {
        public string? Donor { get; set; }
        public string? Kind { get; set; } = "individual";
        public decimal? Amount { get; set; }
        public string? ManagedBy { get; set; } = "collective";
    }

    public static SchemeForm From(SchemeTermsView terms) =>
        new()
        {
            MembershipBasis = terms.MembershipBasis ?? "roster",
            Stacking = terms.Stacking,
            Floors = terms
                .Floors?.Select(f => new FloorRow { Group = f.Group, Amount = f.Amount })
                .ToList()
                ?? [],
            Incentives = terms
                .Incentives?.Select(i => new IncentiveRow
                {
                    MinTier = i.MinTier,
                    Amount = i.Amount,
                })
                .ToList()
                ?? [],
            CollectiveIncome = terms.CollectiveIncome,
            Donations = terms
                .Donations?.Select(d => new DonationRow
                {
                    Donor = d.Donor,
                    Kind = d.Kind,
                    Amount = d.Amount,
                    ManagedBy = d.ManagedBy,
                })
                .ToList()
                ?? [],
            ProposedOn = terms.Procedure?.ProposedOn,
            FirstDeliberationOn = terms.Procedure?.FirstDeliberationOn,
            SecondDeliberationOn = terms.Procedure?.SecondDeliberationOn,
            ResolvedOn = terms.Procedure?.ResolvedOn,
            PublishedOn = terms.Procedure?.PublishedOn,
            OrganisationName = terms.OrganisationName,
            CreditCode = terms.CreditCode,
        };

    public SchemeTermsView ToTerms() =>
        new(
            MembershipBasis,
            Stacking,
            Floors.Select(f => new FloorTerms(f.Group, f.Amount)).ToList(),
            Incentives.Select(i => new IncentiveTerms(i.MinTier, i.Amount)).ToList(),
            CollectiveIncome,
            Donations
                .Select(d => new DonationTerms(d.Donor, d.Kind, d.Amount, d.ManagedBy))
                .ToList(),
            new ProcedureTerms(
                ProposedOn,
                FirstDeliberationOn,
                SecondDeliberationOn,
                ResolvedOn,
                PublishedOn
            ),
            OrganisationName,
            CreditCode
        );
}
