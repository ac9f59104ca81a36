namespace Subsidy.ServiceData.Crypto;

/// <summary>
/// A column holding sealed personal data (bytea, <see cref="PersonalData"/>'s format): what the
/// re-encryption after a key rotation walks, and, in a database from before encryption, where the
/// plain values it replaced are.
/// </summary>
public sealed record SealedColumn(string Table, string Column, PlainOrigin? Plain = null);

/// <summary>A column that held an ID number only for equality, now its blind index: in a database
/// from before encryption, <paramref name="IndexColumn"/> is filled from
/// <paramref name="PlainColumn"/>, which is then emptied.</summary>
public sealed record BlindIndexColumn(string Table, string IndexColumn, string PlainColumn);

/// <summary>
/// The plain columns a sealed column replaced. <paramref name="Value"/> is the SQL expression of
/// what is sealed, as bytea (convert_to(…, 'UTF8') for text); <paramref name="Columns"/> are
/// emptied once it is; <paramref name="IndexColumn"/> receives the blind index of the ID number
/// <paramref name="IndexOf"/> gives.
/// </summary>
public sealed record PlainOrigin(
    string Value,
    string[] Columns,
    string? IndexColumn = null,
    string? IndexOf = null
);
