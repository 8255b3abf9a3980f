using System.Globalization;
using System.Text.Json.Nodes;

namespace Nabla.Learn.Training;

/// <summary>Type-tagged JSON for the loosely typed state dictionaries of optimizers and schedulers, so that a
/// checkpoint restores exactly the .NET values it saved (a double stays a double, (β₁, β₂) stays a pair).</summary>
internal static class StateJson
{
    public static JsonObject Write(IReadOnlyDictionary<string, object> state)
    {
        var o = new JsonObject();
        foreach ((string key, object value) in state.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            (string tag, JsonNode node) = value switch
            {
                double d => ("f64", (JsonNode)JsonValue.Create(d.ToString("R", CultureInfo.InvariantCulture))),
                float f => ("f32", JsonValue.Create(f.ToString("R", CultureInfo.InvariantCulture))),
                int i => ("i32", JsonValue.Create(i)),
                long l => ("i64", JsonValue.Create(l)),
                bool b => ("bool", JsonValue.Create(b)),
                string s => ("str", JsonValue.Create(s)),
                int[] a => ("i32[]", new JsonArray([.. a.Select(v => (JsonNode)JsonValue.Create(v))])),
                double[] a => ("f64[]", new JsonArray([.. a.Select(v => (JsonNode)JsonValue.Create(v.ToString("R", CultureInfo.InvariantCulture)))])),
                ValueTuple<double, double> p => ("f64x2", new JsonArray(JsonValue.Create(p.Item1.ToString("R", CultureInfo.InvariantCulture)),
                                                                        JsonValue.Create(p.Item2.ToString("R", CultureInfo.InvariantCulture)))),
                _ => throw new NotSupportedException($"Checkpoint: state \"{key}\" has type {value.GetType().Name}, which checkpoints cannot store."),
            };
            o[key] = new JsonObject { ["t"] = tag, ["v"] = node };
        }
        return o;
    }

    public static Dictionary<string, object> Read(JsonObject o, string source)
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach ((string key, JsonNode? node) in o)
        {
            string tag = node?["t"]?.GetValue<string>() ?? throw new InvalidDataException($"{source}: state \"{key}\" has no type tag.");
            JsonNode v = node["v"] ?? throw new InvalidDataException($"{source}: state \"{key}\" has no value.");
            static double D(JsonNode n) => double.Parse(n.GetValue<string>(), CultureInfo.InvariantCulture);
            result[key] = tag switch
            {
                "f64" => D(v),
                "f32" => float.Parse(v.GetValue<string>(), CultureInfo.InvariantCulture),
                "i32" => v.GetValue<int>(),
                "i64" => v.GetValue<long>(),
                "bool" => v.GetValue<bool>(),
                "str" => v.GetValue<string>(),
                "i32[]" => v.AsArray().Select(n => n!.GetValue<int>()).ToArray(),
                "f64[]" => v.AsArray().Select(n => D(n!)).ToArray(),
                "f64x2" => (D(v[0]!), D(v[1]!)),
                _ => throw new InvalidDataException($"{source}: state \"{key}\" has unknown type tag \"{tag}\"."),
            };
        }
        return result;
    }
}
