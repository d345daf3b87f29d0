using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Jobs;
using Microsoft.Extensions.Options;

namespace LazyLecture.Worker.Jobs;

/// <summary>The worker's side of the API's worker endpoints. The worker keeps no state of its own: everything goes through here.</summary>
public sealed class TranscriptionApiClient(HttpClient http, IOptions<WorkerOptions> options)
{
    public static readonly JsonSerializerOptions Json = WireJson.Options;

    /// <summary>The job, or null when it no longer exists (deleted by its owner).</summary>
    public async Task<WorkerJobView?> GetJobAsync(int id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, WorkerApi.Job(id), null, cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<WorkerJobView>(response, cancellationToken);
    }

    /// <summary>Reports a state; null when the API refuses it because the job is already finished (cancelled, say).</summary>
    public async Task<WorkerJobView?> ReportStateAsync(int id, TranscriptionState state, string? error, CancellationToken cancellationToken, bool? promptSupported = null)
    {
        using var response = await SendAsync(HttpMethod.Post, WorkerApi.State(id), new StateReport(state, error, promptSupported), cancellationToken);
        return response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound ? null : await ReadAsync<WorkerJobView>(response, cancellationToken);
    }

    public async Task<WorkerJobView?> ReportProgressAsync(int id, double seconds, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, WorkerApi.Progress(id), new ProgressReport(seconds), cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<WorkerJobView>(response, cancellationToken);
    }

    /// <summary>Says which engine runs the job, whether voice activity detection ran and what it found; false when the job finished meanwhile.</summary>
    public async Task<bool> ReportRunAsync(int id, JobRunReport report, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Put, WorkerApi.Run(id), report, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    /// <summary>Saves a chunk; false when the job was finished meanwhile (cancelled or deleted).</summary>
    public Task<bool> SaveChunkAsync(int id, int chunkNo, ChunkInput chunk, CancellationToken cancellationToken) =>
        PutChunkAsync(WorkerApi.Chunk(id, chunkNo), chunk, cancellationToken);

    /// <summary>Reports the segments of the running chunk so far; false when the job finished meanwhile (the report is moot).</summary>
    public Task<bool> SavePartialAsync(int id, int chunkNo, ChunkInput partial, CancellationToken cancellationToken) =>
        PutChunkAsync(WorkerApi.PartialChunk(id, chunkNo), partial, cancellationToken);

    private async Task<bool> PutChunkAsync(string path, ChunkInput chunk, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Put, path, chunk, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    /// <summary>Streams the recording into a file (never whole in memory).</summary>
    public async Task DownloadAudioAsync(int id, string path, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(HttpMethod.Get, WorkerApi.Audio(id), null);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        await using var file = File.Create(path);
        await response.Content.CopyToAsync(file, cancellationToken);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        http.SendAsync(CreateRequest(method, path, body), cancellationToken);

    private HttpRequestMessage CreateRequest(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: Json) };
        request.Headers.Add(WorkerApi.KeyHeader, options.Value.ApiKey);
        return request;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken) ?? throw new InvalidOperationException("The API answered with an empty body.");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"The API answered {(int)response.StatusCode}: {problem[..Math.Min(problem.Length, 500)]}", null, response.StatusCode);
        }
    }
}
