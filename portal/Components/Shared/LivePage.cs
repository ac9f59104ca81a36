using Microsoft.AspNetCore.Components;
using Portal.Gateway;
using Portal.SignIn;

namespace Portal.Components.Shared;

/// <summary>
/// A page that shows state the services may change at any moment (another officer's step, the
/// calculation, an import): it reads again every few seconds while it is open, so changes appear
/// without a reload.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _closed = new();

    [Inject]
    protected GatewayApi Api { get; set; } = default!;

    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    [Inject]
    protected Divisions Divisions { get; set; } = default!;

    protected PortalUser User { get; private set; } = PortalUser.Nobody;
    protected bool Loading { get; private set; } = true;

    /// <summary>How often to read again; null: only when the page asks.</summary>
    protected virtual TimeSpan? Every => TimeSpan.FromSeconds(5);

    protected CancellationToken Closed => _closed.Token;

    protected override async Task OnInitializedAsync()
    {
        User = await Api.UserAsync() ?? PortalUser.Nobody;
        await RefreshAsync();
        Loading = false;
        if (Every is { } every)
            _ = PollAsync(every);
    }

    /// <summary>Reads what the page shows.</summary>
    protected abstract Task RefreshAsync();

    /// <summary>Reads again now and redraws (after a step, or on a filter change).</summary>
    protected async Task ReloadAsync()
    {
        await RefreshAsync();
        StateHasChanged();
    }

    private async Task PollAsync(TimeSpan every)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(_closed.Token))
            {
                if (Paused)
                    continue;
                await InvokeAsync(async () =>
                {
                    await RefreshAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    /// <summary>True while the user is in the middle of something (a dialog open) that a redraw
    /// should not disturb.</summary>
    protected virtual bool Paused => false;

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
        GC.SuppressFinalize(this);
    }
}
