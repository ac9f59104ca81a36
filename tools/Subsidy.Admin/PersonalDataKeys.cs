using Microsoft.Extensions.Configuration;
using Npgsql;
using Subsidy.ServiceData.Crypto;

namespace Subsidy.Admin;

/// <summary>The operator's commands open sealed personal data with the databases' own data keys,
/// unwrapped by the key-encryption key the services are given (PersonalData__KeyFile, or
/// PersonalData__KeyEncryptionKey as base64), which they never create.</summary>
public static class PersonalDataKeys
{
    public static byte[] KeyEncryptionKey() =>
        PersonalDataRegistration.ReadKeyEncryptionKey(
            new ConfigurationBuilder().AddEnvironmentVariables().Build(),
            createFile: false
        );

    public static PersonalData Of(NpgsqlConnection connection) =>
        new(new DataKeyStore(KeyEncryptionKey()).Load(connection));
}
