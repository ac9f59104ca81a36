using SchemeRegistry.Divisions;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.UnitTests.SchemeRegistry;

public class DivisionRulesTests
{
    private static readonly Caller CountyBureau = new(
        "u",
        "县人社局",
        Roles.CountyBureau,
        "360222"
    );

    [Fact]
    public void A_well_formed_village_with_a_name_is_valid() =>
        Assert.Empty(DivisionRules.ValidateNew("360222100201", "红星村"));

    [Fact]
    public void Every_violation_is_reported_at_once_with_its_field()
    {
        var errors = DivisionRules.ValidateNew("3602221002", " ");
        Assert.Contains(errors, e => e.Field == "code" && e.Message.Contains("12位数字"));
        Assert.Contains(errors, e => e.Field == "name" && e.Message.Contains("不能为空"));
    }

    [Fact]
    public void A_name_longer_than_fifty_characters_is_refused() =>
        Assert.Contains(DivisionRules.ValidateNew("360222100201", new string('村', 51)), e =>
            e.Field == "name"
        );

    [Fact]
    public void Provinces_and_cities_are_not_created_by_hand() =>
        Assert.Contains(DivisionRules.ValidateNew("360200000000", "景德镇市"), e =>
            e.Field == "code"
        );

    [Fact]
    public void County_officer_maintains_villages_of_the_county() =>
        Assert.Null(DivisionRules.WhyCannotMaintain(CountyBureau, "360222100201"));

    [Fact]
    public void County_officer_of_another_county_is_refused() =>
        Assert.Contains(
            "管辖范围",
            DivisionRules.WhyCannotMaintain(CountyBureau with { Scope = "360281" }, "360222100201")
        );

    [Fact]
    public void County_officer_cannot_maintain_the_county_itself() =>
        Assert.NotNull(DivisionRules.WhyCannotMaintain(CountyBureau, "360222000000"));

    [Theory]
    [InlineData(Roles.VillageClerk, "360222100201")]
    [InlineData(Roles.TownshipOfficer, "360222100")]
    [InlineData(Roles.Auditor, "3602")]
    public void Other_roles_do_not_maintain_divisions(string role, string scope) =>
        Assert.Contains(
            "当前角色",
            DivisionRules.WhyCannotMaintain(new Caller("u", "n", role, scope), "360222100201")
        );
}
