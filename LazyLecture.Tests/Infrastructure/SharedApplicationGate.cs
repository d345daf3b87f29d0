using System.Reflection;
using Xunit.v3;

[assembly: LazyLecture.Tests.Infrastructure.SharedApplicationGate]

namespace LazyLecture.Tests.Infrastructure;

/// <summary>
/// Keeps each test of <see cref="SerialTests"/> (they stop PostgreSQL, RabbitMQ or the API of the suite's shared
/// application, or compare its audio folder) apart from every other test of that application: such a test waits until no
/// other shared-application test runs, and holds new ones back until it ends. Tests of the applications of their own
/// (<see cref="OwnApplicationsFirst.Collections"/>) never wait, so the serial tests run beside the pipeline's long
/// collection instead of after the whole run, as xunit's non-parallel collections do.
/// </summary>
/// <remarks>
/// xunit calls these hooks synchronously, so a waiting test blocks its thread; at most one serial test waits at a time
/// (their collection runs one test at a time), and a shared test waits only while a serial one is waiting or running.
/// </remarks>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class SharedApplicationGateAttribute : BeforeAfterTestAttribute
{
    private static readonly object Gate = new(); // a monitor: Monitor.Wait releases it while a test waits
    private static int sharedRunning;
    private static bool exclusiveRunning;
    private static int exclusiveWaiting;

    public override void Before(MethodInfo methodUnderTest, IXunitTest test)
    {
        lock (Gate)
        {
            switch (Use(test))
            {
                case SharedApplicationUse.Exclusive:
                    exclusiveWaiting++;
                    while (exclusiveRunning || sharedRunning > 0)
                    {
                        Monitor.Wait(Gate);
                    }

                    exclusiveWaiting--;
                    exclusiveRunning = true;
                    break;
                case SharedApplicationUse.Shared:
                    while (exclusiveRunning || exclusiveWaiting > 0)
                    {
                        Monitor.Wait(Gate);
                    }

                    sharedRunning++;
                    break;
            }
        }
    }

    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        lock (Gate)
        {
            switch (Use(test))
            {
                case SharedApplicationUse.Exclusive:
                    exclusiveRunning = false;
                    break;
                case SharedApplicationUse.Shared:
                    sharedRunning--;
                    break;
                default:
                    return;
            }

            Monitor.PulseAll(Gate);
        }
    }

    private static SharedApplicationUse Use(IXunitTest test) => test.TestCase.TestCollection.TestCollectionClassName switch
    {
        var name when name == typeof(SerialTests).FullName => SharedApplicationUse.Exclusive,
        var name when OwnApplicationsFirst.Collections.Contains(name) => SharedApplicationUse.None,
        _ => SharedApplicationUse.Shared,
    };

    private enum SharedApplicationUse
    {
        None,
        Shared,
        Exclusive,
    }
}
