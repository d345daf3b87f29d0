using LazyLecture.Api.Errors;

namespace LazyLecture.Api.Validation;

/// <summary>400: input the service can never accept in any form (as opposed to 422, a well-formed value breaking a rule).</summary>
public sealed class InvalidInputException(string detail) : DomainException(detail)
{
    public override int StatusCode => StatusCodes.Status400BadRequest;

    public override string Title => "Invalid input";
}
