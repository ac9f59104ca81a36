using SchemeRegistry.Pilots;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.UnitTests.SchemeRegistry;

public class PilotWorkflowTests
{
    public static TheoryData<PilotStatus?, PilotAction, bool> Matrix()
    {
        var data = new TheoryData<PilotStatus?, PilotAction, bool>();
        PilotStatus?[] states =
        [
            null,
            PilotStatus.Applied,
            PilotStatus.Rejected,
            PilotStatus.Active,
            PilotStatus.Suspended,
        ];
        foreach (var state in states)
        {
            foreach (var action in Enum.GetValues<PilotAction>())
            {
                var allowed = (state, action) switch
                {
                    (null or PilotStatus.Rejected or PilotStatus.Suspended, PilotAction.Apply) =>
                        true,
                    (PilotStatus.Applied, PilotAction.Approve or PilotAction.Reject) => true,
                    (PilotStatus.Active, PilotAction.Suspend) => true,
                    _ => false,
                };
                data.Add(state, action, allowed);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Each_action_is_allowed_from_exactly_its_states(
        PilotStatus? from,
        PilotAction action,
        bool allowed
    ) => Assert.Equal(allowed, PilotWorkflow.WhyNot(from, action) is null);

    [Fact]
    public void Villages_apply_and_the_county_bureau_decides()
    {
        Assert.Equal(Roles.VillageClerk, PilotWorkflow.RoleFor(PilotAction.Apply));
        foreach (
            var action in new[] { PilotAction.Approve, PilotAction.Reject, PilotAction.Suspend }
        )
        {
            Assert.Equal(Roles.CountyBureau, PilotWorkflow.RoleFor(action));
        }
    }

    [Fact]
    public void A_suspended_village_resumes_by_applying_again()
    {
        Assert.Null(PilotWorkflow.WhyNot(PilotStatus.Suspended, PilotAction.Apply));
        Assert.Equal(PilotStatus.Applied, PilotWorkflow.Target(PilotAction.Apply));
        Assert.Equal(PilotStatus.Active, PilotWorkflow.Target(PilotAction.Approve));
    }

    [Fact]
    public void Application_needs_income_figures()
    {
        var errors = PilotWorkflow.ValidateApplication(new PilotApplication(null, -1, 0));
        Assert.Contains(errors, e => e.Field == "lastYearIncome");
        Assert.Contains(errors, e => e.Field == "operatingIncome");
        Assert.Contains(errors, e => e.Field == "plannedSubsidy");
    }

    [Fact]
    public void Operating_income_cannot_exceed_total_income() =>
        Assert.Contains(PilotWorkflow.ValidateApplication(new PilotApplication(100, 200, 50)), e =>
            e.Field == "operatingIncome"
        );

    [Fact]
    public void Sound_application_passes() =>
        Assert.Empty(
            PilotWorkflow.ValidateApplication(new PilotApplication(500000, 300000, 80000))
        );

    [Theory]
    [InlineData(PilotStatus.Applied, "county-bureau", "360222", "approve,reject")]
    [InlineData(PilotStatus.Active, "county-bureau", "360222", "suspend")]
    [InlineData(PilotStatus.Suspended, "county-bureau", "360222", "")]
    [InlineData(PilotStatus.Suspended, "village-clerk", "360222106201", "apply")]
    [InlineData(PilotStatus.Rejected, "village-clerk", "360222106201", "apply")]
    [InlineData(PilotStatus.Active, "village-clerk", "360222106201", "")]
    [InlineData(PilotStatus.Applied, "county-bureau", "360281", "")]
    [InlineData(PilotStatus.Applied, "township-officer", "360222106", "")]
    [InlineData(PilotStatus.Applied, "village-clerk", "360222106202", "")]
    public void A_pilot_offers_each_user_exactly_the_decisions_they_may_take_now(
        PilotStatus status,
        string role,
        string scope,
        string steps
    )
    {
        var offered = PilotWorkflow.AllowedSteps(
            status,
            new Caller("u", "n", role, scope),
            "360222106201"
        );
        Assert.Equal(steps, string.Join(",", offered.Select(s => s.Step)));
        Assert.All(offered.Where(s => s.Step is "reject" or "suspend"), s =>
            Assert.Equal("reason", s.Asks)
        );
    }
}
