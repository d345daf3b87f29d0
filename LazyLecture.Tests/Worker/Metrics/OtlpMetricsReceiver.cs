using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LazyLecture.Tests.Worker.Metrics;

/// <summary>
/// A stand-in for an OpenTelemetry collector: takes OTLP/HTTP protobuf exports on loopback and keeps, for each sender (a
/// process, told apart by its resource), the latest value of each counter (summed over its data points) and the count
/// and sum of each histogram; a metric's value is the total over its senders, as a dashboard adds up replicas. Every
/// export (traces, logs, metrics) is also kept as it arrived, so a test can look for a value in everything the service's
/// telemetry said (protobuf keeps strings as plain UTF-8).
/// </summary>
public sealed class OtlpMetricsReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Sender, string Metric), double> _sums = [];
    private readonly Dictionary<(string Sender, string Metric), (ulong Count, double Sum)> _histograms = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Signal, byte[] Body)> _exports = new();

    public OtlpMetricsReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            _exports.Enqueue((signal, body.ToArray()));
            if (signal == "metrics")
            {
                Record(body.ToArray());
            }

            return Results.Bytes([], "application/x-protobuf");
        });
        _app.Start();
        Endpoint = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary>The base address for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the exporter appends <c>/v1/metrics</c>).</summary>
    public string Endpoint { get; }

    /// <summary>Whether an export of <paramref name="signal"/> (traces, logs, metrics) holds <paramref name="text"/>.</summary>
    public bool Holds(string signal, string text) => SignalsHolding(text).Contains(signal);

    /// <summary>The signals (traces, logs, metrics) of which an export holds <paramref name="text"/>.</summary>
    public IReadOnlyList<string> SignalsHolding(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return [.. _exports.Where(e => e.Body.AsSpan().IndexOf(bytes) >= 0).Select(e => e.Signal).Distinct()];
    }

    public double? Sum(string metric)
    {
        lock (_gate)
        {
            var values = _sums.Where(entry => entry.Key.Metric == metric).Select(entry => entry.Value).ToList();
            return values.Count > 0 ? values.Sum() : null;
        }
    }

    public (ulong Count, double Sum)? Histogram(string metric)
    {
        lock (_gate)
        {
            var values = _histograms.Where(entry => entry.Key.Metric == metric).Select(entry => entry.Value).ToList();
            return values.Count > 0 ? (values.Aggregate(0UL, (total, value) => total + value.Count), values.Sum(value => value.Sum)) : null;
        }
    }

    // ExportMetricsServiceRequest.resource_metrics(1) → ResourceMetrics.scope_metrics(2) → ScopeMetrics.metrics(2) → Metric:
    // name(1), sum(7) → data_points(1) → NumberDataPoint as_double(4) / as_int(6); histogram(9) → data_points(1) → count(4), sum(5).
    private void Record(byte[] request)
    {
        foreach (var resource in Protobuf.Messages(request, 1))
        {
            // ResourceMetrics.resource(1): the same bytes in every export of one process (service name, instance id, …)
            var sender = Convert.ToBase64String(Protobuf.Messages(resource, 1).FirstOrDefault().Span);
            foreach (var scope in Protobuf.Messages(resource, 2))
            {
                foreach (var metric in Protobuf.Messages(scope, 2))
                {
                    var name = System.Text.Encoding.UTF8.GetString(Protobuf.Messages(metric, 1).FirstOrDefault().Span);
                    foreach (var sum in Protobuf.Messages(metric, 7))
                    {
                        var total = Protobuf.Messages(sum, 1).Sum(point =>
                            Protobuf.Fixed64(point, 4) is { } asDouble ? BitConverter.UInt64BitsToDouble(asDouble) : (double)(long)(Protobuf.Fixed64(point, 6) ?? 0));
                        lock (_gate)
                        {
                            _sums[(sender, name)] = total;
                        }
                    }

                    foreach (var histogram in Protobuf.Messages(metric, 9))
                    {
                        ulong count = 0;
                        double sum = 0;
                        foreach (var point in Protobuf.Messages(histogram, 1))
                        {
                            count += Protobuf.Fixed64(point, 4) ?? 0;
                            sum += BitConverter.UInt64BitsToDouble(Protobuf.Fixed64(point, 5) ?? 0);
                        }

                        lock (_gate)
                        {
                            _histograms[(sender, name)] = (count, sum);
                        }
                    }
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    /// <summary>Just enough of the protobuf wire format to walk OTLP messages: length-delimited fields and 64-bit fixed fields.</summary>
    private static class Protobuf
    {
        public static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int field)
        {
            foreach (var (number, wireType, payload, _) in Fields(message))
            {
                if (number == field && wireType == 2)
                {
                    yield return payload;
                }
            }
        }

        public static ulong? Fixed64(ReadOnlyMemory<byte> message, int field)
        {
            foreach (var (number, wireType, _, value) in Fields(message))
            {
                if (number == field && wireType == 1)
                {
                    return value;
                }
            }

            return null;
        }

        private static IEnumerable<(int Number, int WireType, ReadOnlyMemory<byte> Payload, ulong Value)> Fields(ReadOnlyMemory<byte> message)
        {
            var position = 0;
            while (position < message.Length)
            {
                var key = Varint(message.Span, ref position);
                var (number, wireType) = ((int)(key >> 3), (int)(key & 7));
                switch (wireType)
                {
                    case 0:
                        yield return (number, wireType, default, Varint(message.Span, ref position));
                        break;
                    case 1:
                        yield return (number, wireType, default, BitConverter.ToUInt64(message.Span.Slice(position, 8)));
                        position += 8;
                        break;
                    case 2:
                        var length = (int)Varint(message.Span, ref position);
                        yield return (number, wireType, message.Slice(position, length), 0);
                        position += length;
                        break;
                    case 5:
                        yield return (number, wireType, default, BitConverter.ToUInt32(message.Span.Slice(position, 4)));
                        position += 4;
                        break;
                    default:
                        throw new InvalidDataException($"Unsupported protobuf wire type {wireType}.");
                }
            }
        }

        private static ulong Varint(ReadOnlySpan<byte> bytes, ref int position)
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = bytes[position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }
    }
}
