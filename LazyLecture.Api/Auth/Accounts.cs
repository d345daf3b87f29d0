using System.Security.Claims;
using LazyLecture.Api.ApiKeys;
using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using LazyLecture.Api.Users;
using LazyLecture.Api.Validation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LazyLecture.Api.Auth;

public sealed record Credentials(string? Username, string? Password);

/// <summary>Registration, login, token refresh and revocation, and password changes: the account rules in one place.</summary>
public sealed class Accounts(
    LazyLectureDbContext db,
    IPasswordHasher<User> hasher,
    TokenIssuer tokens,
    UsernameRateLimiter usernameLimiter,
    PersonalApiKeys apiKeys,
    IOptions<RegistrationOptions> registration,
    TimeProvider clock,
    ILogger<Accounts> logger)
{
    private const string WrongCredentials = "Incorrect username or password.";

    // Verified when the username is unknown, so both failures take the same time and reveal nothing.
    private static readonly string DummyHash = new PasswordHasher<User>().HashPassword(null!, "Dummy-password-1!");

    public async Task<User> RegisterAsync(Credentials credentials, CancellationToken cancellationToken)
    {
        ValidateCredentials(credentials);
        var user = User.Create(credentials.Username!, "", UserRole.User, canInteract: registration.Value.AutoApprove);
        user.UpgradePasswordHash(hasher.HashPassword(user, credentials.Password!));
        await SaveNewUserAsync(user, cancellationToken);
        logger.LogInformation("Registered user {UserId}", user.Id);
        return user;
    }

    /// <summary>Creates a user with a given role (the administrator bootstrap); false when the name is taken.</summary>
    public async Task<bool> TryCreateAsync(string username, string password, UserRole role, CancellationToken cancellationToken)
    {
        var user = User.Create(username, "", role, canInteract: true);
        user.UpgradePasswordHash(hasher.HashPassword(user, password));
        try
        {
            await SaveNewUserAsync(user, cancellationToken);
            return true;
        }
        catch (ConflictException)
        {
            return false;
        }
    }

    private async Task SaveNewUserAsync(User user, CancellationToken cancellationToken)
    {
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.Entry(user).State = EntityState.Detached;
            throw new ConflictException($"User '{user.Username}' already exists.");
        }
    }

    /// <param name="clientAddress">The caller's address: failed logins are limited per username and address, so a stranger cannot lock the owner out.</param>
    public async Task<TokenPair> LoginAsync(Credentials credentials, string clientAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(credentials.Username) || string.IsNullOrEmpty(credentials.Password))
        {
            throw new UnauthorizedException(WrongCredentials);
        }

        if (InputText.ContainsNul(credentials.Username) || InputText.ContainsNul(credentials.Password))
        {
            throw new InvalidInputException("The username and the password cannot contain NUL characters.");
        }

        usernameLimiter.Acquire(credentials.Username, clientAddress);
        var normalized = User.Normalize(credentials.Username);
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedUsername == normalized, cancellationToken);
        var verdict = hasher.VerifyHashedPassword(user!, user?.PasswordHash ?? DummyHash, credentials.Password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            throw new UnauthorizedException(WrongCredentials);
        }

        if (!user.Active)
        {
            throw new UnauthorizedException("Your account is blocked.");
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.UpgradePasswordHash(hasher.HashPassword(user, credentials.Password));
        }

        return await IssueTokensAsync(user, Guid.NewGuid(), cancellationToken);
    }

    public async Task<TokenPair> RefreshAsync(string? refreshToken, CancellationToken cancellationToken)
    {
        const string invalid = "Invalid or expired refresh token.";
        if (string.IsNullOrEmpty(refreshToken))
        {
            throw new UnauthorizedException(invalid);
        }

        var hash = TokenIssuer.HashRefreshToken(refreshToken);
        var stored = await db.RefreshTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        var now = clock.GetUtcNow();
        if (stored is null || stored.RevokedAt is not null || stored.ExpiresAt <= now)
        {
            throw new UnauthorizedException(invalid);
        }

        // Claim the token atomically: of two concurrent uses only one wins; a used token coming back is a replay.
        var claimed = await db.RefreshTokens
            .Where(t => t.Id == stored.Id && t.UsedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken);
        if (claimed == 0)
        {
            await db.RefreshTokens.Where(t => t.FamilyId == stored.FamilyId && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
            // A replay means the token was stolen: the access tokens minted from it must die too, so the stamp they carry rotates.
            var stamp = User.NewStamp();
            await db.Users.Where(u => u.Id == stored.UserId)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, stamp).SetProperty(u => u.UpdateDate, now), cancellationToken);
            logger.LogWarning("Refresh token reuse for user {UserId}: token family and access tokens revoked", stored.UserId);
            throw new UnauthorizedException(invalid);
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == stored.UserId, cancellationToken);
        if (user is not { Active: true })
        {
            throw new UnauthorizedException(invalid);
        }

        return await IssueTokensAsync(user, stored.FamilyId, cancellationToken);
    }

    /// <summary>Ends every session of the user: access tokens (security stamp) and refresh tokens alike.</summary>
    public async Task LogoutAsync(int userId, CancellationToken cancellationToken)
    {
        var user = await FindAsync(userId, cancellationToken);
        user.InvalidateTokens();
        await RevokeRefreshTokensAsync(userId, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task ChangeOwnPasswordAsync(int userId, PasswordChangeRequest request, CancellationToken cancellationToken)
    {
        var user = await FindAsync(userId, cancellationToken);
        if (string.IsNullOrEmpty(request.CurrentPassword)
            || hasher.VerifyHashedPassword(user, user.PasswordHash, request.CurrentPassword) == PasswordVerificationResult.Failed)
        {
            throw new ForbiddenException("The current password is incorrect.");
        }

        SetPassword(user, request.NewPassword, "new_password");
        await RevokeRefreshTokensAsync(userId, cancellationToken);
        if (request.KeepApiKeys != true)
        {
            await apiKeys.RevokeAllAsync(userId, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>An administrator's change to any user: activity, role, the right to upload, password.</summary>
    public async Task<User> UpdateAsync(int userId, UserUpdateRequest request, CancellationToken cancellationToken)
    {
        var user = await FindAsync(userId, cancellationToken);
        if (request.Password is not null)
        {
            SetPassword(user, request.Password, "password");
        }

        if (request.Active is { } active)
        {
            user.SetActive(active);
        }

        if (request.Role is { } role)
        {
            user.SetRole(role);
        }

        if (request.CanInteract is { } canInteract)
        {
            user.SetCanInteract(canInteract);
        }

        if (request.Password is not null || request.Active == false)
        {
            await RevokeRefreshTokensAsync(userId, cancellationToken);
        }

        // A password an administrator sets is a reset: keys taken with the old password end with it, as on the user's own change.
        if (request.Password is not null)
        {
            await apiKeys.RevokeAllAsync(userId, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    public async Task<User> FindAsync(int userId, CancellationToken cancellationToken) =>
        await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken)
        ?? throw new NotFoundException($"User {userId} was not found.");

    /// <summary>Users oldest first; with <paramref name="username"/>, only those whose name contains it, ignoring case.</summary>
    public async Task<UserPage> ListAsync(int page, int size, string? username, CancellationToken cancellationToken)
    {
        var paging = Paging.Validate(page, size);
        var matching = db.Users.AsQueryable();
        if (!string.IsNullOrEmpty(username))
        {
            // Only what a username can hold: letters need no escaping in LIKE, and anything else can match no one.
            if (!CredentialRules.IsUsernamePart(username))
            {
                throw ValidationFailedException.For("username", "username must be 1–64 Latin letters: part of the usernames to list.");
            }

            var part = User.Normalize(username);
            matching = matching.Where(u => u.NormalizedUsername.Contains(part));
        }

        var total = await matching.CountAsync(cancellationToken);
        var users = await matching.OrderBy(u => u.Id).Skip(paging.Skip).Take(paging.Size).ToListAsync(cancellationToken);
        return new UserPage(paging.Page, paging.Size, total, paging.PageCount(total), [.. users.Select(u => u.ToResponse())]);
    }

    private void SetPassword(User user, string? password, string field)
    {
        var broken = CredentialRules.CheckPassword(password);
        if (broken.Count > 0)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { [field] = [.. broken] });
        }

        user.ChangePassword(hasher.HashPassword(user, password!));
    }

    private Task RevokeRefreshTokensAsync(int userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.RefreshTokens.Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
    }

    private async Task<TokenPair> IssueTokensAsync(User user, Guid familyId, CancellationToken cancellationToken)
    {
        var (refreshToken, hash) = TokenIssuer.CreateRefreshToken();
        db.RefreshTokens.Add(new RefreshToken { UserId = user.Id, FamilyId = familyId, TokenHash = hash, ExpiresAt = tokens.RefreshTokenExpiry });
        await db.SaveChangesAsync(cancellationToken);
        return new TokenPair(tokens.CreateAccessToken(user), refreshToken, tokens.AccessTokenLifetimeSeconds);
    }

    private static void ValidateCredentials(Credentials credentials)
    {
        var errors = new Dictionary<string, string[]>();
        if (CredentialRules.CheckUsername(credentials.Username) is { Count: > 0 } username)
        {
            errors["username"] = [.. username];
        }

        if (CredentialRules.CheckPassword(credentials.Password) is { Count: > 0 } password)
        {
            errors["password"] = [.. password];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
    }
}

public static class ClaimsPrincipalExtensions
{
    /// <summary>The authenticated user's id (the token's subject).</summary>
    public static int UserId(this ClaimsPrincipal principal) =>
        int.TryParse(principal.FindFirstValue("sub"), System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new UnauthorizedException("Invalid token.");
}
