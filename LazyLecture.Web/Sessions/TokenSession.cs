using System.Collections.Concurrent;
using System.Security.Cryptography;
using LazyLecture.Web.Api;

namespace LazyLecture.Web.Sessions;

/// <summary>
/// One signed-in browser: the API tokens it acts with. Kept only in this process; the browser's cookie carries nothing
/// but the session's random id, so a token never reaches the browser (nor its scripts, nor its history).
/// </summary>
public sealed class TokenSession(string id, string clientAddress, TokenPair tokens)
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    public string Id { get; } = id;

    /// <summary>The browser's address, sent on as X-Forwarded-For so the API's per-address limits see people, not this app.</summary>
    public string ClientAddress { get; } = clientAddress;

    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;

    public TokenPair Tokens { get; private set; } = tokens;

    public DateTimeOffset AccessExpiresAt { get; private set; } = DateTimeOffset.UtcNow.AddSeconds(tokens.ExpiresIn);

    /// <summary>
    /// Replaces the pair with a fresh one from <paramref name="refresh"/> (the API rotates refresh tokens: each is single use).
    /// One refresh at a time: a second caller waiting here finds the pair already replaced and does not spend the old one again.
    /// </summary>
    public async Task<TokenPair> RefreshAsync(string staleAccessToken, Func<string, Task<TokenPair>> refresh, CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (Tokens.AccessToken == staleAccessToken)
            {
                var renewed = await refresh(Tokens.RefreshToken);
                Tokens = renewed;
                AccessExpiresAt = DateTimeOffset.UtcNow.AddSeconds(renewed.ExpiresIn);
            }

            return Tokens;
        }
        finally
        {
            _refreshing.Release();
        }
    }
}

/// <summary>The signed-in sessions of this web app instance, by id. A restart signs everyone out (their cookies no longer match).</summary>
public sealed class TokenSessionStore
{
    /// <summary>As long as the cookie lives: a session is not kept past it.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly ConcurrentDictionary<string, TokenSession> _sessions = new(StringComparer.Ordinal);

    public TokenSession Create(TokenPair tokens, string clientAddress)
    {
        RemoveExpired();
        var session = new TokenSession(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), clientAddress, tokens);
        _sessions[session.Id] = session;
        return session;
    }

    public TokenSession? Find(string? id) =>
        id is not null && _sessions.TryGetValue(id, out var session) && DateTimeOffset.UtcNow - session.CreatedAt < Lifetime ? session : null;

    public void Remove(string id) => _sessions.TryRemove(id, out _);

    private void RemoveExpired()
    {
        foreach (var (id, session) in _sessions)
        {
            if (DateTimeOffset.UtcNow - session.CreatedAt >= Lifetime)
            {
                _sessions.TryRemove(id, out _);
            }
        }
    }
}
