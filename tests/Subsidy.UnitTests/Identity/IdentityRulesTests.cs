using Identity.Accounts;
using OtpNet;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.UnitTests.Identity;

public class IdentityRulesTests
{
    private static readonly Caller FuliangBureau = new(
        "fl-admin",
        "浮梁县人社局",
        Roles.CountyBureau,
        "360222"
    );
    private static readonly Caller CityBureau = new(
        "jdz-admin",
        "景德镇市人社局",
        Roles.CityBureau,
        "3602"
    );

    [Theory]
    [InlineData("short", "zhangsan", "密码至少10个字符。")]
    [InlineData("xx-zhangsan-2026", "zhangsan", "密码不能包含用户名。")]
    [InlineData("xx-ZhangSan-2026", "zhangsan", "密码不能包含用户名。")]
    [InlineData("长城长城长城长城长城", "zhangsan", null)]
    [InlineData("correct horse", "zhangsan", null)]
    public void Passwords_have_ten_characters_and_do_not_contain_the_user_name(
        string password,
        string userName,
        string? refusal
    ) => Assert.Equal(refusal, PasswordPolicy.Refusal(userName, password));

    [Theory]
    [InlineData(Roles.CountyCentre, true)]
    [InlineData(Roles.CountyBureau, true)]
    [InlineData(Roles.CityBureau, true)]
    [InlineData(Roles.TownshipOfficer, false)]
    [InlineData(Roles.VillageClerk, false)]
    [InlineData(Roles.Auditor, false)]
    public void County_and_city_roles_need_a_second_factor(string role, bool required) =>
        Assert.Equal(required, AccountRules.RequiresSecondFactor(role));

    [Fact]
    public void A_county_bureau_administers_its_county_and_the_city_bureau_the_city()
    {
        var fuliangClerk = new Account
        {
            Id = "c",
            Role = Roles.VillageClerk,
            Scope = "360222100201",
        };
        var lepingClerk = new Account
        {
            Id = "l",
            Role = Roles.VillageClerk,
            Scope = "360281100201",
        };
        Assert.True(AccountRules.Administers(FuliangBureau, fuliangClerk));
        Assert.False(AccountRules.Administers(FuliangBureau, lepingClerk));
        Assert.True(AccountRules.Administers(CityBureau, lepingClerk));
        Assert.False(
            AccountRules.Administers(
                new Caller("x", "x", Roles.CountyCentre, "360222"),
                fuliangClerk
            )
        );
        Assert.False(
            AccountRules.Administers(
                new Caller("x", "x", Roles.CountyBureau, "360222100"),
                fuliangClerk
            )
        );
    }

    [Fact]
    public void An_account_s_scope_fits_its_role_and_lies_within_the_administrator_s()
    {
        Assert.Empty(
            AccountRules.Validate(
                FuliangBureau,
                "zhang.san",
                "张三",
                Roles.VillageClerk,
                "360222100201",
                creating: true
            )
        );
        Assert.Contains(
            AccountRules.Validate(
                FuliangBureau,
                "zhang.san",
                "张三",
                Roles.VillageClerk,
                "360222100",
                creating: true
            ),
            e => e.Message == "村级经办的管辖范围须为12位区划代码。"
        );
        Assert.Contains(
            AccountRules.Validate(
                FuliangBureau,
                "zhang.san",
                "张三",
                Roles.CityBureau,
                "3602",
                creating: true
            ),
            e => e.Message.Contains("不在您的管辖范围")
        );
        Assert.Contains(
            AccountRules.Validate(FuliangBureau, "张三", "", "mayor", "360222", creating: true),
            e => e.Field == "userName"
        );
        var all = AccountRules.Validate(FuliangBureau, "", "", "mayor", "1", creating: true);
        Assert.Equal(["userName", "displayName", "role"], all.Select(e => e.Field));
        Assert.Empty(
            AccountRules.Validate(
                CityBureau,
                "jdz-audit",
                "审计",
                Roles.Auditor,
                "3602",
                creating: true
            )
        );
    }

    [Fact]
    public void An_authenticator_code_is_accepted_once_and_within_a_step_either_side()
    {
        var key = Base32Encoding.ToString(new byte[20]);
        var now = new DateTime(2026, 12, 2, 8, 0, 10, DateTimeKind.Utc);
        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(now);

        Assert.True(SecondFactor.Verify(key, code, 0, now.AddSeconds(25), out var step));
        Assert.False(SecondFactor.Verify(key, code, step, now.AddSeconds(25), out _));
        Assert.False(SecondFactor.Verify(key, code, 0, now.AddMinutes(2), out _));
        Assert.False(SecondFactor.Verify(key, "12345", 0, now, out _));
        Assert.False(SecondFactor.Verify(key, null, 0, now, out _));
        Assert.True(SecondFactor.Verify(key, code[..3] + " " + code[3..], 0, now, out _));
    }

    [Fact]
    public void A_token_issued_before_its_account_was_disabled_is_refused_and_one_issued_after_is_not()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        var revoked = new RevokedAccess(time);
        revoked.Revoke("zhangsan", time.GetUtcNow());

        Assert.True(revoked.IsRevoked("zhangsan", time.GetUtcNow().AddMinutes(-5)));
        Assert.True(revoked.IsRevoked("zhangsan", time.GetUtcNow()));
        Assert.False(revoked.IsRevoked("zhangsan", time.GetUtcNow().AddSeconds(1)));
        Assert.False(revoked.IsRevoked("lisi", time.GetUtcNow().AddMinutes(-5)));
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
