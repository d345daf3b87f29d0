using LazyLecture.Web.Api;
using Microsoft.AspNetCore.Components;

namespace LazyLecture.Web.Components.Shared;

/// <summary>
/// A page that calls the API: <see cref="RunAsync"/> shows the API's refusal in words (<see cref="Problem"/>) and, when the
/// session has ended, takes the user to the sign-in page.
/// </summary>
public abstract class ApiComponent : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();

    [Inject]
    protected LectureApi Api { get; set; } = default!;

    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    /// <summary>What the last call failed with, in words; null when it succeeded.</summary>
    protected string? Problem { get; set; }

    /// <summary>The status of the API's last refusal; null when the last call succeeded or failed otherwise.</summary>
    protected System.Net.HttpStatusCode? ProblemStatus { get; private set; }

    /// <summary>Cancelled when the user leaves the page.</summary>
    protected CancellationToken Leaving => _disposed.Token;

    protected async Task<bool> RunAsync(Func<CancellationToken, Task> call)
    {
        try
        {
            ProblemStatus = null;
            await call(Leaving);
            Problem = null;
            return true;
        }
        catch (ApiProblemException ex)
        {
            Problem = ex.Message;
            ProblemStatus = ex.Status;
        }
        catch (HttpRequestException)
        {
            Problem = "The transcription service cannot be reached right now. Please try again in a moment.";
        }
        catch (SessionEndedException)
        {
            Navigation.NavigateTo("/account/login?ended=1", forceLoad: true);
        }
        catch (OperationCanceledException) when (Leaving.IsCancellationRequested)
        {
            // The user left the page.
        }

        return false;
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
        Disposing();
        GC.SuppressFinalize(this);
    }

    protected virtual void Disposing()
    {
    }
}
