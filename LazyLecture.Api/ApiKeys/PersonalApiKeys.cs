using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using LazyLecture.Api.Validation;
using Microsoft.EntityFrameworkCore;

namespace LazyLecture.Api.ApiKeys;

public sealed record ApiKeyRequest(string? Name);

/// <summary>A key as its owner sees it later: name and visible prefix, never the key.</summary>
public sealed record ApiKeyResponse(long Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>The answer to a creation: the only time the key itself is shown.</summary>
public sealed record CreatedApiKeyResponse(long Id, string Name, string Prefix, DateTimeOffset CreatedAt, string Key);

/// <summary>Creating, listing and revoking personal API keys; every query is scoped to the key's owner.</summary>
public sealed class PersonalApiKeys(LazyLectureDbContext db, ILogger<PersonalApiKeys> logger)
{
    /// <summary>Active keys a user may hold: enough for every script, few enough that a runaway loop cannot fill the table.</summary>
    public const int MaxActiveKeysPerUser = 50;

    public async Task<CreatedApiKeyResponse> CreateAsync(int userId, ApiKeyRequest request, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > ApiKey.MaxNameLength)
        {
            throw ValidationFailedException.For("name", $"name must be 1 to {ApiKey.MaxNameLength} characters.");
        }

        // The same rule as for file names: a name shown in lists must show what it is.
        if (InputText.HasUnfitCharacters(name))
        {
            throw ValidationFailedException.For("name", "name must not contain control characters or Unicode direction controls.");
        }

        if (await Active(userId).CountAsync(cancellationToken) >= MaxActiveKeysPerUser)
        {
            throw new ConflictException($"You already have {MaxActiveKeysPerUser} active API keys; revoke one first.");
        }

        var (key, plainText) = ApiKey.Create(userId, name);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("API key {ApiKeyId} ({Prefix}) created for user {UserId}", key.Id, key.Prefix, userId);
        return new CreatedApiKeyResponse(key.Id, key.Name, key.Prefix, key.CreatedAt, plainText);
    }

    /// <summary>The user's active keys; a user who does not exist is not found (404), not someone without keys.</summary>
    public async Task<IReadOnlyList<ApiKeyResponse>> ListAsync(int userId, CancellationToken cancellationToken)
    {
        var keys = await Active(userId).OrderBy(k => k.Id)
            .Select(k => new ApiKeyResponse(k.Id, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt))
            .ToListAsync(cancellationToken);
        if (keys.Count == 0 && !await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            throw new NotFoundException($"User {userId} was not found.");
        }

        return keys;
    }

    /// <summary>Revokes every active key of the user (a password change: a key taken with the old password ends with it).</summary>
    public async Task<int> RevokeAllAsync(int userId, CancellationToken cancellationToken)
    {
        var revoked = await Active(userId).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTimeOffset.UtcNow), cancellationToken);
        if (revoked > 0)
        {
            logger.LogInformation("{Count} API keys of user {UserId} revoked with a password change", revoked, userId);
        }

        return revoked;
    }

    /// <summary>Revokes one of the user's keys; it stops working with the next request. Someone else's key is not found (404).</summary>
    public async Task RevokeAsync(int userId, long keyId, CancellationToken cancellationToken)
    {
        var revoked = await Active(userId).Where(k => k.Id == keyId)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTimeOffset.UtcNow), cancellationToken);
        if (revoked == 0)
        {
            throw new NotFoundException($"API key {keyId} was not found.");
        }

        logger.LogInformation("API key {ApiKeyId} of user {UserId} revoked", keyId, userId);
    }

    private IQueryable<ApiKey> Active(int userId) => db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId && k.RevokedAt == null);
}
