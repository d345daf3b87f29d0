namespace LazyLecture.Api.Errors;

/// <summary>
/// Outcomes a request can end in other than success. Handlers throw them; <see cref="ProblemDetailsExceptionHandler"/> is the
/// one place that turns them into Problem Details with a stable type and title.
/// </summary>
public abstract class DomainException(string detail) : Exception(detail)
{
    public abstract int StatusCode { get; }

    public abstract string Title { get; }
}

/// <summary>422 with every broken rule, by field.</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
    : DomainException("One or more fields are invalid.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public override int StatusCode => StatusCodes.Status422UnprocessableEntity;

    public override string Title => "Validation failed";

    public static ValidationFailedException For(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}

public sealed class UnauthorizedException(string detail) : DomainException(detail)
{
    public override int StatusCode => StatusCodes.Status401Unauthorized;

    public override string Title => "Unauthorized";
}

public sealed class ForbiddenException(string detail) : DomainException(detail)
{
    public override int StatusCode => StatusCodes.Status403Forbidden;

    public override string Title => "Forbidden";
}

public sealed class NotFoundException(string detail) : DomainException(detail)
{
    public override int StatusCode => StatusCodes.Status404NotFound;

    public override string Title => "Not found";
}

public sealed class ConflictException(string detail) : DomainException(detail)
{
    public override int StatusCode => StatusCodes.Status409Conflict;

    public override string Title => "Conflict";
}

public sealed class TooManyRequestsException(TimeSpan retryAfter, string detail = "Too many attempts; try again later.") : DomainException(detail)
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    public override int StatusCode => StatusCodes.Status429TooManyRequests;

    public override string Title => "Too many requests";
}
