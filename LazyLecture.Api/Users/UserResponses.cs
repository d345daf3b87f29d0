namespace LazyLecture.Api.Users;

/// <summary>A user as clients see it (the original's UserResponse).</summary>
public sealed record UserResponse(int Id, string Username, bool Active, bool CanInteract, UserRole Role, DateTimeOffset CreateDate, DateTimeOffset UpdateDate);

public sealed record UserPage(int Page, int Size, int Total, int Pages, IReadOnlyList<UserResponse> Users);

/// <summary>What an admin may change; absent fields stay as they are.</summary>
public sealed record UserUpdateRequest(
    bool? Active,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(Validation.ExactEnumNameConverter<UserRole>))] UserRole? Role,
    bool? CanInteract,
    string? Password);

/// <param name="KeepApiKeys">True keeps the account's API keys; by default a new password revokes them with the old one.</param>
public sealed record PasswordChangeRequest(string CurrentPassword, string NewPassword, bool? KeepApiKeys = null);

public static class UserMapping
{
    public static UserResponse ToResponse(this User user) =>
        new(user.Id, user.Username, user.Active, user.CanInteract, user.Role, user.CreateDate, user.UpdateDate);
}
