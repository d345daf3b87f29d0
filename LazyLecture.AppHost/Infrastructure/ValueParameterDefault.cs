namespace LazyLecture.AppHost.Infrastructure;

/// <summary>
/// A fixed default that configuration (<c>Parameters:&lt;name&gt;</c>, user secrets, the environment) can override.
/// Aspire's <c>AddParameter(name, value)</c> takes the value as it is and never reads configuration, which made
/// <c>Parameters__admin-username</c> do nothing.
/// </summary>
public sealed class ValueParameterDefault(string value) : ParameterDefault
{
    /// <summary>Published as the manifest's <c>default.value</c>: the deployment tool offers it and lets it be changed.</summary>
    public override void WriteToManifest(Aspire.Hosting.Publishing.ManifestPublishingContext context) => context.Writer.WriteString("value", value);

    public override string GetDefaultValue() => value;
}
