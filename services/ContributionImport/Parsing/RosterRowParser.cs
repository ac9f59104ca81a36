using Subsidy.Contracts;

namespace ContributionImport.Parsing;

/// <summary>One row of a village's member roster (集体经济组织成员名册). Pure.</summary>
public static class RosterRowParser
{
    public static (RosterMember? Member, List<ImportError> Errors) Parse(
        int rowNumber,
        string?[] cells,
        HeaderMap map,
        string villageCode
    )
    {
        var errors = new List<ImportError>();
        void Fail(Field field, string? value, string reason) =>
            errors.Add(ImportError.In(rowNumber, map.HeaderOf(field), field, value, reason));

        var name = map.Cell(cells, Field.Name);
        if (string.IsNullOrEmpty(name))
            Fail(Field.Name, name, "姓名不能为空");
        var id = map.Cell(cells, Field.IdNumber)?.ToUpperInvariant();
        if (IdNumber.WhyInvalid(id) is { } problem)
            Fail(Field.IdNumber, id, SpreadsheetNumbers.WhyIdLostDigits(id, problem) ?? problem);
        var village = map.Cell(cells, Field.VillageCode);
        if (!string.IsNullOrEmpty(village) && village != villageCode)
            Fail(Field.VillageCode, village, $"名册属于村(居) {villageCode}，本行却是 {village}");
        SpecialGroup? group = null;
        var identity = map.Cell(cells, Field.Identity);
        if (!string.IsNullOrEmpty(identity) && !Identities.TryParse(identity, out group))
            Fail(Field.Identity, identity, "特殊群体类别无法识别");
        return errors.Count > 0
            ? (null, errors)
            : (new RosterMember(rowNumber, name!, id!, group), errors);
    }
}
