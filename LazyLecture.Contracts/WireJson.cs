using System.Text.Json;
using System.Text.Json.Serialization;

namespace LazyLecture.Contracts;

/// <summary>
/// The JSON every process writes and reads (the original service's wire format): snake_case names and enum values
/// (<c>in_progress</c>, <c>can_interact</c>), enums only by name. Defined once for the API, the worker, the web app and the tests.
/// </summary>
public static class WireJson
{
    /// <summary>snake_case, except Problem Details' <c>traceId</c>, whose spelling clients and tools expect as is.</summary>
    public static JsonNamingPolicy Naming { get; } = new WireNamingPolicy();

    /// <summary>Shared, read-only options for callers that serialize themselves (HTTP clients, message bodies, stored JSON).</summary>
    public static JsonSerializerOptions Options { get; } = CreateReadOnly();

    /// <summary>Applies the wire format to options the framework owns (ASP.NET Core's <c>ConfigureHttpJsonOptions</c>).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = Naming;
        // Names only: a number such as {"role": 123} would otherwise be read as an enum value that does not exist.
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
    }

    /// <summary>An enum value as the wire spells it (<c>ProcessingError</c> → <c>processing_error</c>).</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static JsonSerializerOptions CreateReadOnly()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class WireNamingPolicy : JsonNamingPolicy
    {
        public override string ConvertName(string name) => name == "traceId" ? name : SnakeCaseLower.ConvertName(name);
    }
}
