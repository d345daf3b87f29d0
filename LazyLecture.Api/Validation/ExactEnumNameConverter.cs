using System.Text.Json;
using System.Text.Json.Serialization;
using LazyLecture.Contracts;

namespace LazyLecture.Api.Validation;

/// <summary>
/// An enum written as its snake_case name and read only as exactly that name. The framework's string-enum converter reads
/// case-insensitively and trims, so <c>"Admin"</c>, <c>"ADMIN"</c> and <c>"admin "</c> would all grant the administrator role.
/// </summary>
public sealed class ExactEnumNameConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly Dictionary<string, TEnum> ByName =
        Enum.GetValues<TEnum>().ToDictionary(value => WireJson.Name(value), StringComparer.Ordinal);

    private static readonly Dictionary<TEnum, string> NameOf = ByName.ToDictionary(entry => entry.Value, entry => entry.Key);

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && ByName.TryGetValue(reader.GetString()!, out var value)
            ? value
            : throw new JsonException($"Expected one of: {string.Join(", ", ByName.Keys)}.");

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) => writer.WriteStringValue(NameOf[value]);
}
