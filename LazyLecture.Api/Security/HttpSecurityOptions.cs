using System.ComponentModel.DataAnnotations;

namespace LazyLecture.Api.Security;

/// <summary>Browser-facing protections (section <c>HttpSecurity</c>).</summary>
public sealed class HttpSecurityOptions
{
    public const string Section = "HttpSecurity";

    /// <summary>Origins whose web pages may call the API from a browser (CORS). Empty, the default, allows none.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>The largest request body of any route except uploads, which set their own cap (Transcriptions:MaxUploadBytes).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
