using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LazyLecture.ServiceDefaults.Security;

/// <summary>
/// Which reverse proxies may tell a service the client's address and scheme (X-Forwarded-For, X-Forwarded-Proto): only
/// those configured in <c>ForwardedHeaders:KnownProxies</c> (addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR).
/// None by default, not even loopback: otherwise anyone who reaches the port picks their own address and with it a fresh
/// allowance of every per-address limit.
/// </summary>
public static class TrustedProxies
{
    public const string Section = "ForwardedHeaders";

    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            var section = configuration.GetSection(Section);
            foreach (var proxy in Values(section, "KnownProxies"))
            {
                options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new InvalidOperationException($"{Section}:KnownProxies holds '{proxy}', which is not an IP address."));
            }

            foreach (var network in Values(section, "KnownNetworks"))
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"{Section}:KnownNetworks holds '{network}', which is not a network in CIDR notation (10.0.0.0/8)."));
            }

            // The middleware believes everyone when both lists are empty: with no proxy configured it must read nothing.
            if (options.KnownProxies.Count == 0 && options.KnownIPNetworks.Count == 0)
            {
                options.ForwardedHeaders = ForwardedHeaders.None;
            }
        });
        return builder;
    }

    /// <summary>A list as configuration holds it: array entries (<c>KnownProxies:0</c>) or one value separated by ';' or ','.</summary>
    private static IEnumerable<string> Values(IConfigurationSection section, string key)
    {
        var list = section.GetSection(key);
        var values = list.GetChildren().Select(c => c.Value).Append(list.Value);
        return values.SelectMany(v => (v ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
