using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Valar.DevHost.Benchmarks;

/// <summary>A server process this benchmark started: waits for the line that names its URL; disposing kills that PID only.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<(long At, string Line)> _lines = new();
    private readonly TaskCompletionSource<Uri> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Regex _readyPattern;

    private ChildProcess(Process process, Regex readyPattern)
    {
        _process = process;
        _readyPattern = readyPattern;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public int Id => _process.Id;

    /// <summary>When the process was started (a <see cref="Stopwatch"/> timestamp).</summary>
    public long StartedAt { get; private set; }

    /// <summary>When the first line matching <paramref name="pattern"/> was read (a <see cref="Stopwatch"/> timestamp), if one was.</summary>
    public long? FirstSeen(Regex pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        foreach (var (at, line) in _lines)
        {
            if (pattern.IsMatch(line))
            {
                return at;
            }
        }

        return null;
    }

    /// <summary>Starts <paramref name="fileName"/> and waits for a line matching <paramref name="readyPattern"/> whose group 1 is the URL.</summary>
    public static async Task<ChildProcess> StartAsync(string fileName, IEnumerable<string> arguments, Regex readyPattern, bool waitForReady = true)
    {
        var start = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var child = new ChildProcess(new Process { StartInfo = start }, readyPattern);
        child._process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        child.StartedAt = Stopwatch.GetTimestamp();
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        if (waitForReady)
        {
            await child.WaitForReadyAsync().ConfigureAwait(false);
        }

        return child;
    }

    public async Task WaitForReadyAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited).WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        if (first != _ready.Task)
        {
            throw new InvalidOperationException($"{_process.StartInfo.FileName} exited before it was ready:\n{string.Join('\n', _lines.Select(l => l.Line))}");
        }

        BaseAddress = await _ready.Task.ConfigureAwait(false);
    }

    /// <summary>The URL from the ready line, as soon as the process printed it (for cold start, before anything else).</summary>
    public Task<Uri> Ready => _ready.Task;

    /// <summary>SIGTERM to this PID (the DevHost then stops its worker in order), up to 15 s, then SIGKILL.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync().ConfigureAwait(false);
                }

                try
                {
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    _process.Kill(entireProcessTree: false);
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Exited already.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue((Stopwatch.GetTimestamp(), line));
        var match = _readyPattern.Match(line);
        if (match.Success)
        {
            _ready.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
        }
    }
}
