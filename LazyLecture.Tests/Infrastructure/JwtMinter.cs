using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>Builds JWTs by hand (header.payload.signature) to present forged, expired or unsigned tokens to the API.</summary>
public static class JwtMinter
{
    public static string Mint(object header, object payload, byte[]? key)
    {
        var unsigned = Encode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Encode(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = key is null ? "" : Encode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(unsigned)));
        return unsigned + "." + signature;
    }

    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Decode(string segment)
    {
        var padded = segment.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }

    public static long UnixTime(DateTimeOffset at) => at.ToUnixTimeSeconds();
}
