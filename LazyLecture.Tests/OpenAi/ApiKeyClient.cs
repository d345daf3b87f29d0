using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using OpenAI;
using Xunit;

namespace LazyLecture.Tests.OpenAi;

/// <summary>Personal API keys over the real API, and official OpenAI SDK clients pointed at LazyLecture with one.</summary>
public static class ApiKeyClient
{
    /// <summary>Creates a key with the user's access token; returns its id and the key itself.</summary>
    public static async Task<(long Id, string Key)> CreateApiKeyAsync(this ApiSession api, string accessToken, string name = "script")
    {
        using var response = await api.PostJsonAsync("/api/v1/users/me/api-keys", new { name }, accessToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create key: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ApiSession.Cancellation)}");
        var body = await ApiSession.ReadObjectAsync(response);
        return (body["id"]!.GetValue<long>(), body["key"]!.GetValue<string>());
    }

    /// <summary>
    /// The official SDK's client for LazyLecture's <c>/v1</c>, sending this session's client address. No automatic retries,
    /// so a test sees every answer as it was given.
    /// </summary>
    public static OpenAIClient OpenAiClient(this ApiSession api, string key)
    {
        var http = api.Host.CreateApiClient();
        http.Timeout = TimeSpan.FromMinutes(5);
        http.DefaultRequestHeaders.Add("X-Forwarded-For", api.ClientAddress);
        return new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(http.BaseAddress!, "/v1"),
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromMinutes(5),
        });
    }
}
