using System.Text.Json;
using System.Text.Json.Serialization;

namespace Subsidy.Contracts;

/// <summary>
/// The JSON the services write into their own tables and outbox and read back: one definition, so a
/// service cannot start writing rows that its own older rows, or its readers, spell differently.
/// There are two because rows of both spellings are stored, and changing either would change what a
/// row holds.
/// </summary>
public static class StoredJson
{
    /// <summary>
    /// The web defaults (camelCase names, read case-insensitively; enums as numbers): the outbox's
    /// messages and the calculation's copies of the inputs (terms in force, rosters, contribution
    /// chunks) and its fingerprints.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// <see cref="Options"/> with enums as their codes ("severe-disability"), as the APIs and the
    /// bus spell them: the scheme registry's stored scheme terms have always been written so.
    /// </summary>
    public static readonly JsonSerializerOptions EnumsAsCodes = new(Options)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };
}
