namespace Valar.Validation.Models;

/// <summary>
/// The configured models. A model that is not listed is treated as text-only: requests without images pass
/// (the upstream server judges the name), requests with images are refused by check 1.
/// </summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, ModelDefinition> _byId;

    public ModelCatalog(IEnumerable<ModelDefinition> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        Models = [.. models];
        _byId = new Dictionary<string, ModelDefinition>(StringComparer.Ordinal);
        foreach (var model in Models)
        {
            if (!_byId.TryAdd(model.Id, model))
            {
                throw new ArgumentException($"Duplicate model id '{model.Id}'.", nameof(models));
            }
        }

        LargestMaxImages = Models.Count == 0 ? 0 : Models.Max(model => model.Limits.MaxImages);
    }

    public IReadOnlyList<ModelDefinition> Models { get; }

    /// <summary>The highest per-request image count any model allows.</summary>
    public int LargestMaxImages { get; }

    public ModelDefinition? Find(string id) => _byId.GetValueOrDefault(id);
}
