namespace Portal.Components.Pages.Settlement.VillageYear;

/// <summary>What every step dialog of a village-year is given: whether it shows, the step's own
/// label and question, whether the step is being sent, and the API's refusal.</summary>
public sealed record StepDialogState(
    bool Open,
    string Title,
    string? Question,
    bool Busy,
    string? Message,
    IReadOnlyDictionary<string, string[]> Errors
)
{
    public static StepDialogState Closed { get; } =
        new(false, "", null, false, null, new Dictionary<string, string[]>());
}
