namespace Portal.Gateway;

/// <summary>Division names for a circuit, read once from the registry (reference data every
/// signed-in user may read).</summary>
public sealed class Divisions(GatewayApi api)
{
    private Dictionary<string, DivisionView>? _all;

    public async Task<IReadOnlyDictionary<string, DivisionView>> AllAsync()
    {
        if (_all is not null)
            return _all;
        var result = await api.GetAsync<List<DivisionView>>("/api/registry/divisions");
        if (result.Ok)
            _all = result.Value!.ToDictionary(d => d.Code);
        return (IReadOnlyDictionary<string, DivisionView>?)_all
            ?? new Dictionary<string, DivisionView>();
    }

    /// <summary>Forget what was read (a division was added or renamed here).</summary>
    public void Invalidate() => _all = null;

    /// <summary>A division's name by its code, whole (12 digits) or as a scope's prefix ("360222"
    /// is 浮梁县, stored as 360222000000).</summary>
    public async Task<string> NameAsync(string code) =>
        (await AllAsync()).TryGetValue(code.PadRight(12, '0'), out var d) ? d.Name : code;

    /// <summary>"浮梁镇 某某村": the village with its township.</summary>
    public async Task<string> VillageNameAsync(string code)
    {
        var all = await AllAsync();
        var village = all.TryGetValue(code, out var v) ? v.Name : code;
        return code.Length == 12 && all.TryGetValue(code[..9] + "000", out var t)
            ? $"{t.Name} {village}"
            : village;
    }

    public async Task<IReadOnlyList<DivisionView>> ChildrenAsync(string parentCode) =>
        (await AllAsync())
            .Values.Where(d => d.ParentCode == parentCode)
            .OrderBy(d => d.Code, StringComparer.Ordinal)
            .ToList();

    /// <summary>The villages under a scope prefix.</summary>
    public async Task<IReadOnlyList<DivisionView>> VillagesAsync(string scope) =>
        (await AllAsync())
            .Values.Where(d =>
                d.Level == "village" && d.Code.StartsWith(scope, StringComparison.Ordinal)
            )
            .OrderBy(d => d.Code, StringComparer.Ordinal)
            .ToList();
}
