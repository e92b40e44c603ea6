using Microsoft.AspNetCore.Routing.Template;
using Valar.DevHost.Worker;

namespace Valar.DevHost.Http;

/// <summary>
/// The HTTP functions' routes (route prefix + route template, e.g. <c>api/items/{id}</c>), most specific first.
/// Route constraints (<c>{id:int}</c>) are parsed but not enforced: the worker's own routing has the last word.
/// </summary>
public sealed class HttpRouteTable
{
    private readonly IReadOnlyList<HttpFunctionRoute> _routes;

    private HttpRouteTable(IReadOnlyList<HttpFunctionRoute> routes) => _routes = routes;

    public IReadOnlyList<HttpFunctionRoute> Routes => _routes;

    public static HttpRouteTable Build(IEnumerable<LoadedFunction> functions, string routePrefix)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var routes = new List<HttpFunctionRoute>();
        foreach (var function in functions)
        {
            if (function.HttpTrigger is not { } trigger)
            {
                continue;
            }

            var template = Combine(routePrefix, trigger.Route);
            var parsed = TemplateParser.Parse(template);
            routes.Add(new HttpFunctionRoute(
                function,
                template,
                trigger.Methods,
                new TemplateMatcher(parsed, new Microsoft.AspNetCore.Routing.RouteValueDictionary()),
                RoutePrecedence.ComputeInbound(parsed)));
        }

        // Lower inbound precedence = more specific (literal segments before parameters before catch-alls).
        routes.Sort(static (a, b) => a.Precedence.CompareTo(b.Precedence));
        return new HttpRouteTable(routes);
    }

    /// <summary>The first route whose template and method match, with its route values; wrong method on a known path is no match (404).</summary>
    public HttpRouteMatch? Match(string method, PathString path)
    {
        foreach (var route in _routes)
        {
            if (route.Methods is { } methods && !methods.Contains(method))
            {
                continue;
            }

            var values = new Microsoft.AspNetCore.Routing.RouteValueDictionary();
            if (route.Matcher.TryMatch(path, values))
            {
                return new HttpRouteMatch(route, values);
            }
        }

        return null;
    }

    public static string Combine(string routePrefix, string route)
    {
        var prefix = (routePrefix ?? string.Empty).Trim('/');
        var tail = (route ?? string.Empty).Trim('/');
        return prefix.Length == 0 ? tail : tail.Length == 0 ? prefix : prefix + "/" + tail;
    }
}

/// <summary>One HTTP function's route.</summary>
public sealed record HttpFunctionRoute(
    LoadedFunction Function,
    string Template,
    IReadOnlySet<string>? Methods,
    TemplateMatcher Matcher,
    decimal Precedence);

/// <summary>A matched route and the values of its parameters (<c>{id}</c> → <c>"42"</c>).</summary>
public sealed record HttpRouteMatch(HttpFunctionRoute Route, Microsoft.AspNetCore.Routing.RouteValueDictionary Values);
