using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.UnitTests.ServiceDefaults;

public class BatchSelectionTests
{
    [Fact]
    public void A_selection_of_one_to_five_hundred_different_objects_may_be_taken() =>
        Assert.Null(BatchSelection.WhyNot(Enumerable.Range(1, BatchSelection.Max).ToList(), "村"));

    [Theory]
    [InlineData(0, false, "请至少选择一个方案。")]
    [InlineData(501, false, "一次最多办理 500 个方案，本次选择了 501 个。")]
    [InlineData(3, true, "所选方案有重复。")]
    public void Each_unusable_selection_says_why_naming_what_it_selects(
        int count,
        bool repeated,
        string why
    )
    {
        var selected = Enumerable.Range(1, count).ToList();
        if (repeated)
            selected.Add(1);
        Assert.Equal(why, BatchSelection.WhyNot(selected, "方案"));
    }
}
