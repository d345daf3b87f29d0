using System.ComponentModel.DataAnnotations;

namespace LazyLecture.Web.Components.Pages.Account;

/// <summary>The sign-in and sign-up form. The API decides what a valid username and password are and says why in its answer.</summary>
public sealed class AccountForm
{
    [Required(ErrorMessage = "Enter your username.")]
    public string Username { get; set; } = "";

    [Required(ErrorMessage = "Enter your password.")]
    public string Password { get; set; } = "";
}
