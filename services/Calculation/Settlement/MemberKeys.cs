using Dapper;
using Npgsql;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceDefaults.Auth;

namespace Calculation.Settlement;

/// <summary>
/// The member a request names: by the whole ID number, or by the member key a list answered beside
/// the masked number (<see cref="PersonalData.MemberKey"/>), for callers who never see the whole
/// number. Read after the caller's scope is checked.
/// </summary>
public static class MemberKeys
{
    private const string PersonSql = """
        SELECT m.person FROM member_results m JOIN calculation_runs r ON r.id = m.run_id
        WHERE r.village_code = @VillageCode AND r.year = @Year AND m.id_index = @IdIndex
        LIMIT 1
        """;

    /// <summary>The ID number as given (trimmed, upper case), or the one the key stands for among
    /// the village-year's results; otherwise the refusal.</summary>
    public static async Task<(string? IdNumber, Refusal? Refusal)> ResolveAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string villageCode,
        int year,
        string? idNumber,
        string? memberKey,
        CancellationToken cancellationToken
    )
    {
        if (!string.IsNullOrWhiteSpace(idNumber))
            return (idNumber.Trim().ToUpperInvariant(), null);
        if (string.IsNullOrWhiteSpace(memberKey))
        {
            return (
                null,
                Refusal.Invalid([
                    ("idNumber", "须指定参保人：公民身份号码，或名单中的参保人编号。"),
                ])
            );
        }
        if (PersonalData.IndexOfMemberKey(memberKey.Trim()) is not { } index)
        {
            return (
                null,
                Refusal.Invalid([("memberKey", "参保人编号应为名单给出的32位十六进制字符。")])
            );
        }
        var person = await connection.QuerySingleOrDefaultAsync<byte[]>(
            new CommandDefinition(
                PersonSql,
                new
                {
                    VillageCode = villageCode,
                    Year = year,
                    IdIndex = index,
                },
                transaction,
                cancellationToken: cancellationToken
            )
        );
        return person is null
            ? (null, Refusal.NotFound($"村 {villageCode} {year} 年度的测算结果中没有这位参保人。"))
            : (PersonalData.Current.OpenPerson(person).IdNumber, null);
    }
}
