using System.Collections.Concurrent;
using System.Reflection;

namespace Hopfield.ML.Pipeline;

/// <summary>
/// Stage types by name, used when loading a model file. Types in loaded assemblies that carry
/// <see cref="PipelineStageAttribute"/> and implement <see cref="ILoadableStage{TSelf}"/> are found automatically on first
/// use; a stage in an assembly that may not be loaded yet registers itself with <see cref="Register{TStage}"/>.
/// </summary>
public static class ModelStageRegistry
{
    private static readonly ConcurrentDictionary<string, Entry> Entries = new(StringComparer.Ordinal);
    private static readonly HashSet<Assembly> Scanned = [];
    private static readonly Lock Gate = new();

    /// <summary>Registers a stage type under the name of its <see cref="PipelineStageAttribute"/>. Idempotent.</summary>
    /// <typeparam name="TStage">The transformer type.</typeparam>
    public static void Register<TStage>()
        where TStage : ITransformer, ILoadableStage<TStage>
    {
        var attr = typeof(TStage).GetCustomAttribute<PipelineStageAttribute>(inherit: false)
            ?? throw new InvalidOperationException($"Type '{typeof(TStage).FullName}' has no [PipelineStage] attribute.");
        var entry = new Entry(typeof(TStage), attr.Version, static ctx => TStage.Load(ctx));
        var existing = Entries.GetOrAdd(attr.Name, entry);
        if (existing.Type != typeof(TStage))
        {
            throw new InvalidOperationException(
                $"Stage name '{attr.Name}' is already registered by '{existing.Type.FullName}'; '{typeof(TStage).FullName}' needs another name.");
        }
    }

    /// <summary>Whether a stage type name is known (after scanning loaded assemblies).</summary>
    /// <param name="name">The stage type name.</param>
    /// <returns><see langword="true"/> when a loader exists.</returns>
    public static bool IsRegistered(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGet(name, out _);
    }

    internal static ITransformer LoadStage(ModelLoadContext context)
    {
        if (!TryGet(context.StageType, out var entry))
        {
            throw context.Error("unknown stage type (is the assembly that defines it loaded, or registered with ModelStageRegistry.Register?)");
        }

        if (context.StageVersion < 1 || context.StageVersion > entry.Version)
        {
            throw context.Error($"layout version {context.StageVersion} is not supported; this library reads versions 1 to {entry.Version}");
        }

        try
        {
            return entry.Load(context);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"Model file '{context.FileName}', stage '{context.StageType}': {e.Message}", e);
        }
    }

    private static bool TryGet(string name, out Entry entry)
    {
        if (Entries.TryGetValue(name, out entry!))
        {
            return true;
        }

        ScanLoadedAssemblies();
        return Entries.TryGetValue(name, out entry!);
    }

    private static void ScanLoadedAssemblies()
    {
        lock (Gate)
        {
            Register<TransformerChain<ITransformer>>();
            var self = typeof(ModelStageRegistry).Assembly;
            foreach (var asm in AppDomain.CurrentDomain.GetAssemblies())
            {
                if (asm.IsDynamic || !Scanned.Add(asm))
                {
                    continue;
                }

                if (asm != self && !asm.GetReferencedAssemblies().Any(r => r.Name == self.GetName().Name))
                {
                    continue;
                }

                Type[] types;
                try
                {
                    types = asm.GetTypes();
                }
                catch (ReflectionTypeLoadException e)
                {
                    types = [.. e.Types.Where(t => t is not null).Cast<Type>()];
                }

                foreach (var t in types)
                {
                    if (t.IsAbstract || t.ContainsGenericParameters || t.GetCustomAttribute<PipelineStageAttribute>(inherit: false) is null)
                    {
                        continue;
                    }

                    if (!typeof(ITransformer).IsAssignableFrom(t) || !typeof(ILoadableStage<>).MakeGenericType(t).IsAssignableFrom(t))
                    {
                        continue;
                    }

                    typeof(ModelStageRegistry).GetMethod(nameof(Register))!.MakeGenericMethod(t).Invoke(null, null);
                }
            }
        }
    }

    private sealed record Entry(Type Type, int Version, Func<ModelLoadContext, ITransformer> Load);
}
