using Valar.Testing.Servers;

namespace Valar.Validation.Tests;

/// <summary>
/// The few tests that must run on the real clock, such as concurrent fan-out, which only a wall clock can tell from
/// sequential work. They run alone, with bounds far from the expected figure, so a busy machine cannot fail them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealClockCollection : ICollectionFixture<LoopbackImageServerFixture>
{
    public const string Name = "Real clock";
}
