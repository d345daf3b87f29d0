using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Xunit;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>
/// One test class of this assembly run in a child process with its own environment, and what came of it. The child is
/// this test executable started with xunit v3 console arguments: its generated entry point hands to
/// Microsoft.Testing.Platform only when given <c>--server</c>, so plain arguments get xunit's in-process console runner,
/// whose <c>-class</c> filter and <c>-result-xml</c> report are used here.
/// </summary>
public sealed record ChildTestRun(int ExitCode, int Total, int Passed, int Failed, int Skipped, int Errors, string Output)
{
    /// <summary>
    /// Runs the tests of <paramref name="testClass"/> (only that class) with <paramref name="environment"/> added to this
    /// process's; kills the child and fails the calling test when it is not done within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<ChildTestRun> RunClassAsync(
        Type testClass, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var resultFile = Path.Combine(Path.GetTempPath(), $"lazylecture-child-{Guid.NewGuid():N}.xml");
        var startInfo = StartInfo(testClass.Assembly.Location);
        foreach (var argument in new[] { "-class", testClass.FullName!, "-noLogo", "-noColor", "-noAutoReporters", "-result-xml", resultFile })
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var output = new StringBuilder();
        using var child = new Process { StartInfo = startInfo };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        child.OutputDataReceived += collect;
        child.ErrorDataReceived += collect;

        try
        {
            child.Start();
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await child.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync(CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
                Assert.Fail($"The child run of {testClass.Name} did not finish within {timeout} and was killed. Its output:{Environment.NewLine}{Text(output)}");
            }

            return Read(resultFile, child.ExitCode, Text(output));
        }
        finally
        {
            File.Delete(resultFile);
        }
    }

    // The same runtime as this process: `dotnet exec` on the assembly when the dotnet host runs us, else our apphost.
    private static ProcessStartInfo StartInfo(string assemblyPath)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        var startInfo = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (IsExecutable(host, "dotnet"))
        {
            startInfo.ArgumentList.Add("exec");
            startInfo.ArgumentList.Add(assemblyPath);
        }
        else if (!IsExecutable(host, Path.GetFileNameWithoutExtension(assemblyPath)))
        {
            throw new InvalidOperationException($"This process ({host}) is neither the dotnet host nor the apphost of {assemblyPath}.");
        }

        return startInfo;
    }

    // Not GetFileNameWithoutExtension on the executable: "LazyLecture.Tests" has no extension to drop.
    private static bool IsExecutable(string path, string name) =>
        Path.GetFileName(path) is var file && (file == name || file == name + ".exe");

    // Totals from the xunit v2+ XML report; a child that wrote none (it crashed before the end) counts as one error.
    private static ChildTestRun Read(string resultFile, int exitCode, string output)
    {
        if (!File.Exists(resultFile))
        {
            return new ChildTestRun(exitCode, 0, 0, 0, 0, 1, output);
        }

        var assemblies = XDocument.Load(resultFile).Root?.Elements("assembly").ToList() ?? [];
        int Sum(string attribute) => assemblies.Sum(a => int.Parse((string?)a.Attribute(attribute) ?? "0", CultureInfo.InvariantCulture));
        return new ChildTestRun(exitCode, Sum("total"), Sum("passed"), Sum("failed"), Sum("skipped"), Sum("errors"), output);
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
