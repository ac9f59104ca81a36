using System.Data;
using Dapper;

namespace Subsidy.ServiceData;

/// <summary>Maps SQL date to DateOnly both ways (Dapper reads dates as DateTime
/// otherwise).</summary>
public sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
{
    public override void SetValue(IDbDataParameter parameter, DateOnly value)
    {
        parameter.DbType = DbType.Date;
        parameter.Value = value;
    }

    public override DateOnly Parse(object value) =>
        value switch
        {
            DateOnly date => date,
            DateTime dateTime => DateOnly.FromDateTime(dateTime),
            _ => DateOnly.Parse(
                value.ToString()!,
                System.Globalization.CultureInfo.InvariantCulture
            ),
        };
}
