using Subsidy.ServiceData;

namespace Identity.Accounts;

/// <summary>The identity service's audit entries in Chinese: what was done to an account or a
/// machine client, and what a user did to their own sign-in.</summary>
public static class AccountAuditWording
{
    public static AuditWording Create() =>
        new(
            null,
            new Dictionary<string, string> { [AccountChanges.Entity] = "账号" },
            new Dictionary<string, string>
            {
                ["create"] = "新建账号",
                ["update"] = "修改账号",
                ["disable"] = "停用账号",
                ["enable"] = "启用账号",
                ["password-reset"] = "重置密码",
                ["password-changed"] = "设置新密码",
                ["two-factor-enrolled"] = "绑定动态口令",
                ["recovery-code-used"] = "使用恢复码登录",
                ["client-create"] = "新建接口客户端",
                ["client-disable"] = "停用接口客户端",
                ["client-secret"] = "更换客户端密钥",
            }.ToDictionary(a => AuditWording.ActionKey(AccountChanges.Entity, a.Key), a => a.Value)
        );
}
