namespace LazyLecture.AppHost.Infrastructure;

/// <summary>The administrator's name when <c>Parameters:admin-username</c> does not choose another.</summary>
public static class AdministratorUsername
{
    public const string Default = "admin";
}
