namespace Valar.Validation.Models;

/// <summary>A model the endpoint knows, whether it takes images, and its limits.</summary>
public sealed record ModelDefinition(string Id, bool SupportsImages, ModelLimits Limits);
