using System.Globalization;

namespace Valar.DevHost.Configuration;

/// <summary>Parses <c>--port N --app DIR [--settings FILE]</c>.</summary>
public static class DevHostCommandLine
{
    public const string Usage =
        "usage: Valar.DevHost --app <folder with the app's build output> [--port 7071 (0 = a free port)] [--settings <local.settings.json>] [--blob-poll <seconds, 0 = off; default 2>] [--blob-retry-delay <seconds; default 1>]";

    public static bool TryParse(IReadOnlyList<string> args, out DevHostOptions? options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = null;
        error = null;
        var port = 7071;
        string? app = null;
        string? settings = null;
        var blobPoll = 2.0;
        var blobRetryDelay = 1.0;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                error = Usage;
                return false;
            }

            if (i + 1 >= args.Count)
            {
                error = $"missing a value after '{name}'";
                return false;
            }

            var value = args[++i];
            switch (name)
            {
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                    {
                        error = $"--port '{value}' is not a port number (0-65535)";
                        return false;
                    }

                    break;
                case "--app":
                    app = value;
                    break;
                case "--settings":
                    settings = value;
                    break;
                case "--blob-poll":
                case "--blob-retry-delay":
                    if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds > 3600)
                    {
                        error = $"{name} '{value}' is not a number of seconds (0-3600)";
                        return false;
                    }

                    if (name == "--blob-poll")
                    {
                        blobPoll = seconds;
                    }
                    else
                    {
                        blobRetryDelay = seconds;
                    }

                    break;
                default:
                    error = $"unknown option '{name}'";
                    return false;
            }
        }

        if (string.IsNullOrWhiteSpace(app))
        {
            error = "--app is required";
            return false;
        }

        options = new DevHostOptions
        {
            Port = port,
            AppDirectory = Path.GetFullPath(app),
            SettingsPath = settings is null ? null : Path.GetFullPath(settings),
            BlobPollInterval = TimeSpan.FromSeconds(blobPoll),
            BlobRetryDelay = TimeSpan.FromSeconds(blobRetryDelay),
        };
        return true;
    }
}
