namespace LazyLecture.Hosting;

/// <summary>Fluent declaration of a resource, as in Aspire: <c>builder.AddProject(...).WithReference(db).WaitFor(db)</c>.</summary>
public interface IResourceBuilder<out T>
    where T : IResource
{
    T Resource { get; }

    DistributedApplicationBuilder ApplicationBuilder { get; }
}

internal sealed class ResourceBuilder<T>(T resource, DistributedApplicationBuilder applicationBuilder) : IResourceBuilder<T>
    where T : Resource
{
    public T Resource { get; } = resource;

    public DistributedApplicationBuilder ApplicationBuilder { get; } = applicationBuilder;
}

public static class ResourceBuilderExtensions
{
    /// <summary>Injects the other resource's connection string as <c>ConnectionStrings__{name}</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source)
        where T : Resource
    {
        builder.Resource.References.Add(source.Resource);
        return builder;
    }

    /// <summary>Injects the project's endpoints as <c>services__{name}__http__{i}</c> (Aspire's service discovery convention).</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<ProjectResource> source)
        where T : Resource
    {
        builder.Resource.References.Add(source.Resource);
        return builder;
    }

    /// <summary>Starts this resource only once the other one is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency)
        where T : Resource
    {
        builder.Resource.Waits.Add(new ResourceWait(dependency.Resource, WaitBehavior.Healthy));
        return builder;
    }

    /// <summary>Starts this resource only once the other one (a one-shot step) has finished successfully.</summary>
    public static IResourceBuilder<T> WaitForCompletion<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency)
        where T : Resource
    {
        builder.Resource.Waits.Add(new ResourceWait(dependency.Resource, WaitBehavior.Completed));
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : Resource
    {
        builder.Resource.Environment[name] = () => value;
        return builder;
    }

    /// <summary>Passes a parameter's value (a secret, typically) as an environment variable, resolved when the process starts.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<ParameterResource> parameter)
        where T : Resource
    {
        builder.Resource.Environment[name] = () => parameter.Resource.Value;
        return builder;
    }
}
