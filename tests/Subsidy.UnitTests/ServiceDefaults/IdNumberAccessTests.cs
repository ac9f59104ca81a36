using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.UnitTests.ServiceDefaults;

/// <summary>Who may see a whole 公民身份号码, and what the audit entry of a view says of whose
/// numbers were shown (docs/security.md).</summary>
public class IdNumberAccessTests
{
    private static Caller As(string role) => new("u1", "某人", role, "360222");

    [Theory]
    [InlineData(Roles.CountyCentre, true)]
    [InlineData(Roles.VillageClerk, true)]
    [InlineData(Roles.TownshipOfficer, false)]
    [InlineData(Roles.CountyBureau, false)]
    [InlineData(Roles.CityBureau, false)]
    [InlineData(Roles.Auditor, false)]
    [InlineData(Roles.Operator, false)]
    [InlineData("", false)]
    public void Only_the_county_centre_and_the_village_clerk_may_ask_for_whole_numbers(
        string role,
        bool may
    )
    {
        Assert.Equal(may, IdNumberAccess.MayViewFull(As(role)));
        var refusal = IdNumberAccess.WhyNotFull(As(role), "核对参保缴费记录");
        Assert.Equal(may, refusal is null);
        if (!may)
        {
            Assert.Equal(403, refusal!.StatusCode);
            Assert.Contains("完整号码仅县社保中心和本村经办人员可查看", refusal.Message);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Whole_numbers_without_a_purpose_are_refused_naming_the_field(string? purpose)
    {
        var refusal = IdNumberAccess.WhyNotFull(As(Roles.VillageClerk), purpose);
        Assert.Equal(400, refusal!.StatusCode);
        var (field, message) = Assert.Single(refusal.Errors);
        Assert.Equal("purpose", field);
        Assert.Contains("须说明用途", message);
    }

    [Fact]
    public void A_purpose_longer_than_a_hundred_characters_is_refused()
    {
        var refusal = IdNumberAccess.WhyNotFull(As(Roles.CountyCentre), new string('核', 101));
        Assert.Contains("不能超过100个字", Assert.Single(refusal!.Errors).Message);
        Assert.Null(IdNumberAccess.WhyNotFull(As(Roles.CountyCentre), new string('核', 100)));
    }

    [Fact]
    public void The_audit_entry_names_whose_numbers_were_shown_masked_never_whole()
    {
        var whose = IdNumberAccess.Whose([
            ("欧阳娜娜", "36022219900101123X"),
            ("张三", "360222198001011234"),
        ]);
        Assert.Equal("欧**娜 360222********123X、张* 360222********1234（共2人）", whose);
        Assert.DoesNotContain("19900101", whose);
        Assert.DoesNotContain("欧阳娜娜", whose);
    }

    [Fact]
    public void A_long_list_names_its_first_members_and_counts_all()
    {
        var members = Enumerable
            .Range(0, 7)
            .Select(i => ($"李{i}{i}", $"36022219800101{i:000}" + "X"));
        var whose = IdNumberAccess.Whose(members, limit: 5);
        Assert.EndsWith("等7人", whose);
        Assert.Equal(5, whose.Split('、').Length);
    }

    [Theory]
    [InlineData("张", "*")]
    [InlineData("张三", "张*")]
    [InlineData("欧阳娜娜", "欧**娜")]
    [InlineData(" 李四光 ", "李*光")]
    public void A_name_is_masked_as_the_public_notice_masks_it(string name, string masked) =>
        Assert.Equal(masked, PersonName.Mask(name));
}
