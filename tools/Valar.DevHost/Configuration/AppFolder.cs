using System.Text.Json;

namespace Valar.DevHost.Configuration;

/// <summary>
/// What the host reads from an isolated-worker app's build output: the worker's entry point
/// (<c>worker.config.json</c>), the HTTP route prefix (<c>host.json</c>) and the app settings
/// (<c>Values</c> of <c>local.settings.json</c>).
/// </summary>
public sealed record AppFolder
{
    /// <summary>The route prefix when <c>host.json</c> names none (as the real host).</summary>
    public const string DefaultRoutePrefix = "api";

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public required string Directory { get; init; }

    /// <summary>The app's entry assembly, started as <c>dotnet &lt;WorkerPath&gt;</c>.</summary>
    public required string WorkerPath { get; init; }

    public required string RoutePrefix { get; init; }

    /// <summary>The <c>functionTimeout</c> of <c>host.json</c>, when it names a finite one.</summary>
    public TimeSpan? FunctionTimeout { get; init; }

    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    /// <summary>Reads the folder; a missing or malformed file becomes <paramref name="error"/>, never an exception.</summary>
    public static bool TryLoad(DevHostOptions options, out AppFolder? app, out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        app = null;
        var directory = options.AppDirectory;
        if (!System.IO.Directory.Exists(directory))
        {
            error = $"app folder '{directory}' does not exist";
            return false;
        }

        if (!TryReadWorkerPath(directory, out var workerPath, out error)
            || !TryReadHostJson(directory, out var routePrefix, out var functionTimeout, out error)
            || !TryReadSettings(options.SettingsPath ?? Path.Combine(directory, "local.settings.json"), options.SettingsPath is not null, out var settings, out error))
        {
            return false;
        }

        app = new AppFolder
        {
            Directory = directory,
            WorkerPath = workerPath!,
            RoutePrefix = routePrefix!,
            FunctionTimeout = functionTimeout,
            Settings = settings!,
        };
        return true;
    }

    private static bool TryReadWorkerPath(string directory, out string? workerPath, out string? error)
    {
        workerPath = null;
        var path = Path.Combine(directory, "worker.config.json");
        if (!TryParse(path, out var document, out error))
        {
            return false;
        }

        using (document)
        {
            if (document!.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("description", out var description)
                && description.ValueKind == JsonValueKind.Object
                && description.TryGetProperty("defaultWorkerPath", out var worker)
                && worker.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(worker.GetString()))
            {
                workerPath = Path.GetFullPath(Path.Combine(directory, worker.GetString()!));
                if (File.Exists(workerPath))
                {
                    return true;
                }

                error = $"'{path}' names the worker '{workerPath}', which does not exist";
                return false;
            }
        }

        error = $"'{path}' has no 'description.defaultWorkerPath'";
        return false;
    }

    private static bool TryReadHostJson(string directory, out string? routePrefix, out TimeSpan? functionTimeout, out string? error)
    {
        routePrefix = DefaultRoutePrefix;
        functionTimeout = null;
        error = null;
        var path = Path.Combine(directory, "host.json");
        if (!File.Exists(path))
        {
            return true;
        }

        if (!TryParse(path, out var document, out error))
        {
            return false;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = $"'{path}' is not a JSON object";
                return false;
            }

            if (root.TryGetProperty("extensions", out var extensions) && extensions.ValueKind == JsonValueKind.Object
                && extensions.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object
                && http.TryGetProperty("routePrefix", out var prefix))
            {
                if (prefix.ValueKind != JsonValueKind.String)
                {
                    error = $"'{path}': extensions.http.routePrefix must be a string";
                    return false;
                }

                routePrefix = prefix.GetString()!.Trim('/');
            }

            if (root.TryGetProperty("functionTimeout", out var timeout) && timeout.ValueKind == JsonValueKind.String
                && TimeSpan.TryParse(timeout.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                && parsed > TimeSpan.Zero)
            {
                functionTimeout = parsed;
            }
        }

        return true;
    }

    private static bool TryReadSettings(string path, bool required, out IReadOnlyDictionary<string, string>? settings, out string? error)
    {
        settings = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        if (!File.Exists(path))
        {
            if (required)
            {
                error = $"settings file '{path}' does not exist";
                return false;
            }

            return true;
        }

        if (!TryParse(path, out var document, out error))
        {
            return false;
        }

        using (document)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            if (document!.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("Values", out var valuesElement))
            {
                if (valuesElement.ValueKind != JsonValueKind.Object)
                {
                    error = $"'{path}': Values must be an object";
                    return false;
                }

                foreach (var property in valuesElement.EnumerateObject())
                {
                    values[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString()!,
                        JsonValueKind.Null => string.Empty,
                        _ => property.Value.GetRawText(),
                    };
                }
            }

            settings = values;
        }

        return true;
    }

    private static bool TryParse(string path, out JsonDocument? document, out string? error)
    {
        document = null;
        error = null;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream, JsonOptions);
            return true;
        }
        catch (FileNotFoundException)
        {
            error = $"'{path}' does not exist";
        }
        catch (DirectoryNotFoundException)
        {
            error = $"'{path}' does not exist";
        }
        catch (JsonException ex)
        {
            error = $"'{path}' is not valid JSON: {ex.Message}";
        }

        return false;
    }
}
