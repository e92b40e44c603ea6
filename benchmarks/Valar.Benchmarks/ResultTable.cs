using System.Globalization;
using System.Text;

namespace Valar.Benchmarks;

/// <summary>The one table the run prints: figure, result, target and verdict.</summary>
internal sealed class ResultTable
{
    private readonly List<string[]> _rows = [];

    public int Misses { get; private set; }

    public void Section(string title) => _rows.Add([title]);

    public void Add(string id, string figure, string result, string target = "", string verdict = "") =>
        _rows.Add([id, figure, result, target, verdict]);

    /// <summary>Adds a ratio row with PASS/MISS against <paramref name="target"/> (at least, or at most).</summary>
    public void Ratio(string id, string figure, double ratio, double target, bool atLeast, string unit = "x")
    {
        var pass = atLeast ? ratio >= target : ratio <= target;
        if (!pass)
        {
            Misses++;
        }

        Add(id, figure, F(ratio, 2) + unit, (atLeast ? ">= " : "<= ") + F(target, target >= 10 ? 0 : 1) + unit, pass ? "PASS" : "MISS");
    }

    /// <summary>Counts a miss for a row built by hand.</summary>
    public string Miss()
    {
        Misses++;
        return "MISS";
    }

    public static string F(double value, int decimals) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    public override string ToString()
    {
        var widths = new int[5];
        foreach (var row in _rows.Where(r => r.Length == 5))
        {
            for (var i = 0; i < 5; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        string[] header = ["#", "figure", "result", "target", "verdict"];
        for (var i = 0; i < 5; i++)
        {
            widths[i] = Math.Max(widths[i], header[i].Length);
        }

        var text = new StringBuilder();
        void Line(string[] cells) => text.Append("| ").AppendJoin(" | ", cells.Select((c, i) => i == 2 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).Append(" |\n");
        Line(header);
        text.Append('|').AppendJoin('|', widths.Select(w => new string('-', w + 2))).Append("|\n");
        foreach (var row in _rows)
        {
            Line(row.Length == 5 ? row : ["", "**" + row[0] + "**", "", "", ""]);
        }

        return text.ToString();
    }
}
