using System.Globalization;
using System.Numerics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LazyLecture.ServiceDefaults.Routing;

/// <summary>
/// The <c>int</c> and <c>long</c> route constraints, redefined: an id in a path is plain ASCII digits that fit the type.
/// The framework's own accept what .NET's integer parsing does (a sign, surrounding spaces), so <c>/transcriptions/+1</c>
/// and <c>/transcriptions/1%20</c> named transcription 1; now they match no route (404).
/// </summary>
public static class PlainIntegerRoutes
{
    public static IHostApplicationBuilder AddPlainIntegerRoutes(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<RouteOptions>(options =>
        {
            options.SetParameterPolicy<PlainIntegerRouteConstraint<int>>("int");
            options.SetParameterPolicy<PlainIntegerRouteConstraint<long>>("long");
        });
        return builder;
    }
}

/// <summary>Matches a route value of only ASCII digits that fits <typeparamref name="T"/>.</summary>
public sealed class PlainIntegerRouteConstraint<T> : IRouteConstraint
    where T : IBinaryInteger<T>
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value switch
        {
            T => true,
            string text => IsPlain(text),
            _ => false,
        };

    public static bool IsPlain(string text) =>
        text.Length > 0 && text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 && T.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
