using System.Diagnostics;
using Valar.Testing.Azurite;

namespace Valar.Functions.Tests.Hosting;

/// <summary>The package scripts/publish.sh builds for Azure (artifacts/functionapp), made once per test run if stale.</summary>
public static class PublishedPackage
{
    private static readonly SemaphoreSlim PublishLock = new(1, 1);

    public static string Folder => Path.Combine(AzuriteFixture.FindRepositoryRoot(), "artifacts", "functionapp");

    /// <summary>
    /// Publishes the package unless an up-to-date one exists (scripts/test.sh publishes first, because publishing
    /// needs the package feed and the tests run without a network).
    /// </summary>
    public static async Task EnsurePublishedAsync()
    {
        await PublishLock.WaitAsync();
        try
        {
            await PublishIfStaleAsync();
        }
        finally
        {
            PublishLock.Release();
        }
    }

    private static async Task PublishIfStaleAsync()
    {
        var root = AzuriteFixture.FindRepositoryRoot();
        var published = new FileInfo(Path.Combine(Folder, "Valar.Functions.dll"));
        var newestSource = Directory.EnumerateFiles(Path.Combine(root, "src"), "*", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(Path.Combine(root, "host.json"))
            .Max(File.GetLastWriteTimeUtc);
        if (published.Exists && published.LastWriteTimeUtc >= newestSource)
        {
            return;
        }

        using var publish = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "publish.sh")])
        {
            WorkingDirectory = root,
            Environment = { ["SKIP_ZIP"] = "1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var errors = publish.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await publish.WaitForExitAsync(timeout.Token);
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/publish.sh failed ({publish.ExitCode}):\n{await output}\n{await errors}");
        }
    }
}
