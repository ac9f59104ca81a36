using Npgsql;
using Subsidy.ServiceData.Crypto;

namespace Subsidy.Admin;

/// <summary>The operator's commands open sealed personal data with the databases' own data keys,
/// unwrapped by the key-encryption key the services use (PersonalData__KeyFile, or
/// PersonalData__KeyEncryptionKey as base64).</summary>
public static class PersonalDataKeys
{
    public static byte[] KeyEncryptionKey() =>
        Environment.GetEnvironmentVariable("PersonalData__KeyEncryptionKey") is { Length: > 0 } key
            ? Subsidy.ServiceData.Crypto.KeyEncryptionKey.FromBase64(key)
        : Environment.GetEnvironmentVariable("PersonalData__KeyFile") is { Length: > 0 } file
            ? File.Exists(file) ? Subsidy.ServiceData.Crypto.KeyEncryptionKey.LoadOrCreate(file)
                : throw new IOException($"个人信息主密钥文件不存在：{file}")
        : throw new InvalidOperationException(
            "缺少个人信息主密钥：设置 PersonalData__KeyFile（./run.sh admin 默认使用生产数据目录下的 keys/personal-data.kek）。"
        );

    public static PersonalData Of(NpgsqlConnection connection) =>
        new(new DataKeyStore(KeyEncryptionKey()).Load(connection));
}
