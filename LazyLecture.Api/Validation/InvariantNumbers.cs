using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using LazyLecture.Api.Errors;
using Microsoft.AspNetCore.Mvc;

namespace LazyLecture.Api.Validation;

/// <summary>
/// How the API reads a number a client writes in a query string or a form: invariant culture, an optional sign, digits,
/// for a real number a decimal point and an exponent; no group separators, no spaces, no NaN or infinity. .NET's own
/// reading of a <c>double</c> allows group separators, so <c>1,5</c> was 15 and <c>1,000</c> was 1000.
/// </summary>
public static class InvariantNumbers
{
    private const NumberStyles WholeStyle = NumberStyles.AllowLeadingSign;
    private const NumberStyles RealStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    public static bool TryParseReal(string? text, out double value) =>
        double.TryParse(text, RealStyle, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>Whether <paramref name="text"/> is a well-written value of the numeric <paramref name="type"/>.</summary>
    public static bool IsWellFormed(string? text, Type type) => type switch
    {
        _ when type == typeof(int) => int.TryParse(text, WholeStyle, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(long) => long.TryParse(text, WholeStyle, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(short) => short.TryParse(text, WholeStyle, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(float) => float.TryParse(text, RealStyle, CultureInfo.InvariantCulture, out var single) && float.IsFinite(single),
        _ when type == typeof(decimal) => decimal.TryParse(text, RealStyle, CultureInfo.InvariantCulture, out _),
        _ => TryParseReal(text, out _),
    };

    public static bool IsWhole(Type type) => type == typeof(int) || type == typeof(long) || type == typeof(short);

    public static bool IsNumeric(Type type) => IsWhole(type) || type == typeof(double) || type == typeof(float) || type == typeof(decimal);

    /// <summary>The 422 message for a number that is not written as <see cref="IsWellFormed"/> wants it.</summary>
    public static string Explain(string name, Type type) => IsWhole(type)
        ? $"{name} must be a whole number written with digits only (no group separators such as ',' and no spaces)."
        : $"{name} must be a number written with digits and an optional decimal point '.' (no group separators such as ',' and no spaces).";
}

/// <summary>
/// Checks every numeric query parameter of the matched endpoint before the framework binds it (which would read
/// <c>1,5</c> as 15): a badly written number is a 422 that names the parameter.
/// </summary>
public static class NumericQueryParameters
{
    private sealed record NumericParameter(string Name, Type Type);

    private static readonly ConcurrentDictionary<Endpoint, NumericParameter[]> ByEndpoint = new();

    public static IApplicationBuilder UseNumericQueryChecks(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            if (context.Request.QueryString.HasValue && context.GetEndpoint() is { } endpoint)
            {
                foreach (var parameter in ByEndpoint.GetOrAdd(endpoint, NumericQueryParametersOf))
                {
                    if (context.Request.Query.TryGetValue(parameter.Name, out var values) && values.Any(v => !InvariantNumbers.IsWellFormed(v, parameter.Type)))
                    {
                        throw ValidationFailedException.For(parameter.Name, InvariantNumbers.Explain(parameter.Name, parameter.Type));
                    }
                }
            }

            return next(context);
        });

    /// <summary>A parameter, or for an [AsParameters] one (a record of query options) the parameters of its constructor.</summary>
    private static IEnumerable<ParameterInfo> WithAsParametersMembers(ParameterInfo parameter) =>
        parameter.GetCustomAttribute<AsParametersAttribute>() is null
            ? [parameter]
            : parameter.ParameterType.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters();

    /// <summary>The handler's numeric parameters that bind from the query: by [FromQuery] name, or by a name no route value has.</summary>
    private static NumericParameter[] NumericQueryParametersOf(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<MethodInfo>() is not { } handler)
        {
            return [];
        }

        var pattern = (endpoint as RouteEndpoint)?.RoutePattern;
        return
        [
            .. handler.GetParameters().SelectMany(WithAsParametersMembers)
                .Select(p => (Parameter: p, Type: Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType))
                .Where(p => InvariantNumbers.IsNumeric(p.Type) && p.Parameter.GetCustomAttribute<FromBodyAttribute>() is null
                    && (p.Parameter.GetCustomAttribute<FromQueryAttribute>() is not null
                        || (p.Parameter.GetCustomAttribute<FromRouteAttribute>() is null && pattern?.GetParameter(p.Parameter.Name!) is null)))
                .Select(p => new NumericParameter(p.Parameter.GetCustomAttribute<FromQueryAttribute>()?.Name ?? p.Parameter.Name!, p.Type)),
        ];
    }
}
