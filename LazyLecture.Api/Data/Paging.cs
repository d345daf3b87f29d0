using LazyLecture.Api.Errors;

namespace LazyLecture.Api.Data;

/// <summary>Page numbers from 1, size 1–100 (default 50), as the original's lists; out-of-range values are a 422.</summary>
public readonly record struct Paging(int Page, int Size)
{
    public const int DefaultSize = 50;
    public const int MaxSize = 100;

    /// <summary>Pages beyond this are refused: (page - 1) · size must stay an int for the query's OFFSET.</summary>
    public const int MaxPage = 1_000_000;

    public int Skip => (Page - 1) * Size;

    public int PageCount(int total) => (total + Size - 1) / Size;

    public static Paging Validate(int? page, int? size)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1 or > MaxPage)
        {
            errors["page"] = [$"page must be between 1 and {MaxPage}."];
        }

        if (size is < 1 or > MaxSize)
        {
            errors["size"] = [$"size must be between 1 and {MaxSize}."];
        }

        return errors.Count > 0 ? throw new ValidationFailedException(errors) : new Paging(page ?? 1, size ?? DefaultSize);
    }
}
