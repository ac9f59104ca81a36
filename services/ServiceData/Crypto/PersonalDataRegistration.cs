using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Subsidy.ServiceData.Crypto;

public static class PersonalDataRegistration
{
    /// <summary>Where the key-encryption key comes from: the key itself (base64), or a file that
    /// the first start creates.</summary>
    public const string KeySetting = "PersonalData:KeyEncryptionKey";
    public const string KeyFileSetting = "PersonalData:KeyFile";

    /// <summary>Every service database keeps its own data keys; the outbox's bodies are sealed in
    /// all of them (events carry members' lines).</summary>
    internal static void AddPersonalData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => new DataKeyStore(
            ReadKeyEncryptionKey(sp.GetRequiredService<IConfiguration>())
        ));
        builder.Services.AddSingleton(sp =>
        {
            var dataSource = sp.GetRequiredService<NpgsqlDataSource>();
            var store = sp.GetRequiredService<DataKeyStore>();
            DataKeySet Load()
            {
                using var connection = dataSource.OpenConnection();
                return store.Load(connection);
            }
            using var connection = dataSource.OpenConnection();
            var personalData = new PersonalData(
                store.EnsureAsync(connection).GetAwaiter().GetResult(),
                Load
            );
            PersonalData.Current = personalData;
            return personalData;
        });
        builder.Services.AddSingleton(sp => new PersonalDataMigration(
            sp.GetRequiredService<PersonalData>(),
            sp.GetServices<SealedColumn>().ToList(),
            sp.GetServices<BlindIndexColumn>().ToList()
        ));
        builder.Services.AddHostedService<PersonalDataKeeper>();
        builder.AddSealedColumns(
            new SealedColumn(
                "outbox_messages",
                "body_sealed",
                new PlainOrigin("convert_to(body::text, 'UTF8')", ["body"])
            ),
            new SealedColumn("dead_letters", "body_sealed", new PlainOrigin("body", ["body"]))
        );
    }

    /// <summary>The service's tables that hold sealed personal data.</summary>
    public static TBuilder AddSealedColumns<TBuilder>(
        this TBuilder builder,
        params SealedColumn[] columns
    )
        where TBuilder : IHostApplicationBuilder
    {
        foreach (var column in columns)
            builder.Services.AddSingleton(column);
        return builder;
    }

    /// <summary>The service's tables that know ID numbers by their blind index only.</summary>
    public static TBuilder AddBlindIndexColumns<TBuilder>(
        this TBuilder builder,
        params BlindIndexColumn[] columns
    )
        where TBuilder : IHostApplicationBuilder
    {
        foreach (var column in columns)
            builder.Services.AddSingleton(column);
        return builder;
    }

    /// <param name="createFile">A service's first start creates the file; an operator's command
    /// never does (a new key would open nothing already stored).</param>
    public static byte[] ReadKeyEncryptionKey(
        IConfiguration configuration,
        bool createFile = true
    ) =>
        configuration[KeySetting] is { Length: > 0 } key ? KeyEncryptionKey.FromBase64(key)
        : configuration[KeyFileSetting] is { Length: > 0 } file
            ? createFile || File.Exists(file) ? KeyEncryptionKey.LoadOrCreate(file)
                : throw new InvalidOperationException($"个人信息主密钥文件不存在：{file}")
        : throw new InvalidOperationException(
            $"缺少个人信息主密钥配置：{KeyFileSetting}（密钥文件路径，首次启动时创建）或 {KeySetting}（base64）。"
        );
}
