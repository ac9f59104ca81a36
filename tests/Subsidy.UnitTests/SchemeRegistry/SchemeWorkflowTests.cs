using SchemeRegistry.Schemes;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.UnitTests.SchemeRegistry;

public class SchemeWorkflowTests
{
    private const string Village = "360222100201";

    private static Caller As(string role, string scope) => new("u", "n", role, scope);

    public static TheoryData<SchemeAction, SchemeState, SchemeState?> Targets()
    {
        var data = new TheoryData<SchemeAction, SchemeState, SchemeState?>();
        foreach (var action in Enum.GetValues<SchemeAction>())
        {
            foreach (var state in Enum.GetValues<SchemeState>())
            {
                SchemeState? expected = (action, state) switch
                {
                    (SchemeAction.Edit, SchemeState.Draft) => SchemeState.Draft,
                    (SchemeAction.Submit, SchemeState.Draft) => SchemeState.Submitted,
                    (SchemeAction.ApproveTownship, SchemeState.Submitted) =>
                        SchemeState.TownshipApproved,
                    (SchemeAction.ApproveCounty, SchemeState.TownshipApproved) =>
                        SchemeState.CountyApproved,
                    (SchemeAction.File, SchemeState.CountyApproved) => SchemeState.Filed,
                    (SchemeAction.Reject, SchemeState.Submitted or SchemeState.TownshipApproved) =>
                        SchemeState.Draft,
                    _ => null,
                };
                data.Add(action, state, expected);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Each_action_moves_exactly_one_state_forward_or_back_to_draft(
        SchemeAction action,
        SchemeState from,
        SchemeState? to
    ) => Assert.Equal(to, SchemeWorkflow.Target(action, from));

    [Theory]
    [InlineData(SchemeAction.Submit, SchemeState.Draft, Roles.VillageClerk, Village)]
    [InlineData(
        SchemeAction.ApproveTownship,
        SchemeState.Submitted,
        Roles.TownshipOfficer,
        "360222100"
    )]
    [InlineData(SchemeAction.Reject, SchemeState.Submitted, Roles.TownshipOfficer, "360222100")]
    [InlineData(
        SchemeAction.ApproveCounty,
        SchemeState.TownshipApproved,
        Roles.CountyBureau,
        "360222"
    )]
    [InlineData(SchemeAction.Reject, SchemeState.TownshipApproved, Roles.CountyBureau, "360222")]
    [InlineData(SchemeAction.File, SchemeState.CountyApproved, Roles.CityBureau, "3602")]
    public void The_right_role_within_scope_may_act(
        SchemeAction action,
        SchemeState from,
        string role,
        string scope
    ) => Assert.Null(SchemeWorkflow.WhyNot(action, from, As(role, scope), Village));

    [Theory]
    [InlineData(SchemeAction.ApproveTownship, SchemeState.Submitted, Roles.VillageClerk, Village)]
    [InlineData(
        SchemeAction.ApproveCounty,
        SchemeState.TownshipApproved,
        Roles.TownshipOfficer,
        "360222100"
    )]
    [InlineData(
        SchemeAction.ApproveCounty,
        SchemeState.TownshipApproved,
        Roles.CountyCentre,
        "360222"
    )]
    [InlineData(SchemeAction.File, SchemeState.CountyApproved, Roles.CountyBureau, "360222")]
    [InlineData(
        SchemeAction.Reject,
        SchemeState.TownshipApproved,
        Roles.TownshipOfficer,
        "360222100"
    )]
    [InlineData(SchemeAction.Submit, SchemeState.Draft, Roles.Auditor, "3602")]
    public void A_wrong_role_is_refused_with_403(
        SchemeAction action,
        SchemeState from,
        string role,
        string scope
    )
    {
        var refusal = SchemeWorkflow.WhyNot(action, from, As(role, scope), Village);
        Assert.Equal(403, refusal?.StatusCode);
        Assert.Contains("须由", refusal!.Message);
    }

    [Fact]
    public void An_officer_of_another_township_is_refused_with_403()
    {
        var refusal = SchemeWorkflow.WhyNot(
            SchemeAction.ApproveTownship,
            SchemeState.Submitted,
            As(Roles.TownshipOfficer, "360222101"),
            Village
        );
        Assert.Equal(403, refusal?.StatusCode);
        Assert.Contains("管辖范围", refusal!.Message);
    }

    [Theory]
    [InlineData(SchemeState.CountyApproved)]
    [InlineData(SchemeState.Filed)]
    [InlineData(SchemeState.CarriedOver)]
    public void An_approved_scheme_is_locked(SchemeState state)
    {
        var refusal = SchemeWorkflow.WhyNot(
            SchemeAction.Edit,
            state,
            As(Roles.VillageClerk, Village),
            Village
        );
        Assert.Equal(409, refusal?.StatusCode);
        Assert.Contains("已锁定", refusal!.Message);
    }

    [Fact]
    public void Approving_a_draft_is_refused_for_its_state() =>
        Assert.Equal(
            409,
            SchemeWorkflow
                .WhyNot(
                    SchemeAction.ApproveCounty,
                    SchemeState.Draft,
                    As(Roles.CountyBureau, "360222"),
                    Village
                )
                ?.StatusCode
        );

    [Theory]
    [InlineData(SchemeState.Draft, "village-clerk", "360222106201", "edit,submit")]
    [InlineData(SchemeState.Draft, "township-officer", "360222106", "")]
    [InlineData(SchemeState.Submitted, "township-officer", "360222106", "township-approve,reject")]
    [InlineData(SchemeState.Submitted, "village-clerk", "360222106201", "")]
    [InlineData(SchemeState.Submitted, "county-bureau", "360222", "")]
    [InlineData(SchemeState.TownshipApproved, "county-bureau", "360222", "county-approve,reject")]
    [InlineData(SchemeState.TownshipApproved, "township-officer", "360222106", "")]
    [InlineData(SchemeState.CountyApproved, "city-bureau", "3602", "file")]
    [InlineData(SchemeState.Filed, "city-bureau", "3602", "")]
    [InlineData(SchemeState.CarriedOver, "village-clerk", "360222106201", "")]
    [InlineData(SchemeState.Submitted, "township-officer", "360222107", "")]
    [InlineData(SchemeState.Submitted, "auditor", "360222", "")]
    public void A_scheme_offers_each_role_exactly_the_steps_the_workflow_lets_it_take(
        SchemeState state,
        string role,
        string scope,
        string steps
    )
    {
        var offered = SchemeWorkflow.AllowedSteps(state, As(role, scope), "360222106201");
        Assert.Equal(steps, string.Join(",", offered.Select(s => s.Step)));
        Assert.All(offered, s => Assert.True(s.Allowed));
        Assert.All(offered, s => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", s.Label));
        Assert.All(offered.Where(s => s.Step == "reject"), s =>
            Assert.Equal(("reason", true), (s.Asks, s.Danger))
        );
    }
}

public class ChangeWindowTests
{
    [Fact]
    public void New_terms_may_be_approved_on_31_December_of_the_year_before() =>
        Assert.Null(
            ChangeWindow.WhyClosed(2028, previousYearInForce: true, new DateOnly(2027, 12, 31))
        );

    [Fact]
    public void From_1_January_last_years_terms_carry_over_and_cannot_be_changed()
    {
        var why = ChangeWindow.WhyClosed(2028, previousYearInForce: true, new DateOnly(2028, 1, 1));
        Assert.NotNull(why);
        Assert.Contains("2027年12月31日", why);
    }

    [Fact]
    public void A_village_without_last_years_terms_may_register_during_the_year() =>
        Assert.Null(
            ChangeWindow.WhyClosed(2028, previousYearInForce: false, new DateOnly(2028, 6, 1))
        );

    [Fact]
    public void A_year_that_is_over_cannot_be_changed() =>
        Assert.NotNull(
            ChangeWindow.WhyClosed(2027, previousYearInForce: false, new DateOnly(2028, 1, 1))
        );

    [Theory]
    [InlineData(2027, 12, 31, false)]
    [InlineData(2028, 1, 1, true)]
    [InlineData(2028, 7, 1, true)]
    public void Carry_over_is_due_from_1_January(int y, int m, int d, bool due) =>
        Assert.Equal(due, ChangeWindow.CarryOverDue(2028, new DateOnly(y, m, d)));
}
