using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nabla.Learn.Tree;

namespace Nabla.Learn.Persistence;

/// <summary>Saves and restores estimators as JSON: the type, every hyper-parameter and every learned array, so a
/// reloaded model predicts exactly as the saved one. scikit-learn: the role of <c>pickle</c>/<c>joblib.dump</c>,
/// without executing code from the file.</summary>
/// <remarks>
/// The document is <c>{"format": "nabla-estimator/1", "type": "Nabla.Learn.Tree.DecisionTreeClassifier", "fields": {…}}</c>
/// with one entry per instance field of the estimator and its base classes (hyper-parameters are the backing fields of
/// the init-only properties, learned state the private fields). Values: numbers (doubles written round-trip exact),
/// booleans, strings, enums by name, <see cref="MaxFeatures"/> as text, arrays and arrays of arrays of numbers, nested
/// estimators (a forest's trees) as documents, tensors as {"shape", "dtype", "data"}. Only types in Nabla.Learn that
/// derive from <see cref="Estimator"/> and have a parameterless constructor are created when loading, so a file
/// cannot name an arbitrary type. Files are written atomically (a temporary file renamed over the target).
/// </remarks>
public static class EstimatorJson
{
    private const string Format = "nabla-estimator/1";

    /// <summary>The estimator as a JSON document.</summary>
    /// <param name="estimator">A Nabla.Learn estimator (fitted or not).</param>
    /// <exception cref="NotSupportedException">A field has a type this format cannot store (its name and type are given).</exception>
    public static JsonObject ToJson(IEstimator estimator)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        Type type = estimator.GetType();
        var fields = new JsonObject();
        foreach (FieldInfo field in Fields(type))
            fields[field.Name] = Write(field.GetValue(estimator), field.FieldType, $"{type.Name}.{field.Name}");
        return new JsonObject { ["format"] = Format, ["type"] = type.FullName, ["fields"] = fields };
    }

    /// <summary>Rebuilds an estimator from <see cref="ToJson"/>'s document.</summary>
    /// <param name="doc">The document.</param>
    /// <param name="source">Name used in error messages (a path).</param>
    /// <exception cref="InvalidDataException">Not this format, an unknown or disallowed type, or a field missing or of the wrong kind.</exception>
    public static IEstimator FromJson(JsonObject doc, string source = "estimator JSON")
    {
        ArgumentNullException.ThrowIfNull(doc);
        if (doc["format"]?.GetValue<string>() != Format)
            throw new InvalidDataException($"{source}: not a Nabla estimator file (expected \"format\": \"{Format}\").");
        string name = doc["type"]?.GetValue<string>() ?? throw new InvalidDataException($"{source}: no \"type\".");
        Type type = typeof(Estimator).Assembly.GetType(name) is Type t && typeof(Estimator).IsAssignableFrom(t) && !t.IsAbstract
                    && t.GetConstructor(Type.EmptyTypes) is not null
            ? t : throw new InvalidDataException($"{source}: \"{name}\" is not a Nabla.Learn estimator with a parameterless constructor.");
        object estimator = Activator.CreateInstance(type)!;
        JsonObject fields = doc["fields"] as JsonObject ?? throw new InvalidDataException($"{source}: no \"fields\" object.");
        foreach (FieldInfo field in Fields(type))
        {
            if (!fields.TryGetPropertyValue(field.Name, out JsonNode? node))
                throw new InvalidDataException($"{source}: field \"{field.Name}\" of {type.Name} is missing.");
            try
            {
                field.SetValue(estimator, Read(node, field.FieldType, source));
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or JsonException)
            {
                throw new InvalidDataException($"{source}: field \"{field.Name}\" of {type.Name} cannot be read as {field.FieldType.Name}: {e.Message}", e);
            }
        }
        return (IEstimator)estimator;
    }

    /// <summary>Writes the estimator to <paramref name="path"/> atomically.</summary>
    /// <param name="estimator">The estimator.</param>
    /// <param name="path">The file to write (replaced if present).</param>
    /// <exception cref="NotSupportedException">A field this format cannot store.</exception>
    public static void Save(IEstimator estimator, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = ToJson(estimator).ToJsonString();
        string tmp = path + ".tmp-" + Environment.ProcessId;
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads an estimator written by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="InvalidDataException">The file is not a valid estimator document.</exception>
    public static IEstimator Load(string path)
    {
        JsonNode? doc;
        try
        {
            doc = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON: {e.Message}", e);
        }
        return FromJson(doc as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object."), path);
    }

    /// <summary>Instance fields of the type and its bases up to <see cref="Estimator"/>, in a fixed order.</summary>
    private static IEnumerable<FieldInfo> Fields(Type type)
    {
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
            foreach (FieldInfo f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                                     .OrderBy(f => f.Name, StringComparer.Ordinal))
                yield return f;
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static JsonNode? Write(object? value, Type type, string what)
    {
        if (value is null) return null;
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        switch (value)
        {
            case double d: return JsonValue.Create(R(d));
            case int i: return JsonValue.Create(i);
            case long l: return JsonValue.Create(l);
            case bool b: return JsonValue.Create(b);
            case string s: return JsonValue.Create(s);
            case Enum e: return JsonValue.Create(e.ToString());
            case MaxFeatures m: return JsonValue.Create(m.ToString());
            case double[] a: return new JsonArray([.. a.Select(v => (JsonNode)JsonValue.Create(R(v)))]);
            case int[] a: return new JsonArray([.. a.Select(v => (JsonNode)JsonValue.Create(v))]);
            case long[] a: return new JsonArray([.. a.Select(v => (JsonNode)JsonValue.Create(v))]);
            case double[][] a: return new JsonArray([.. a.Select(r => Write(r, typeof(double[]), what))]);
            case IEstimator[] a: return new JsonArray([.. a.Select(r => (JsonNode)ToJson(r))]);
            case Tensor x:
                return new JsonObject
                {
                    ["shape"] = new JsonArray([.. x.Shape.Select(v => (JsonNode)JsonValue.Create(v))]),
                    ["dtype"] = x.DType.ToString(),
                    ["data"] = Write(Input.Doubles(x), typeof(double[]), what),
                };
            default: throw new NotSupportedException($"EstimatorJson: {what} has type {t.Name}, which the estimator format cannot store.");
        }
    }

    private static object? Read(JsonNode? node, Type type, string source)
    {
        if (node is null) return null;
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        static double D(JsonNode n) => double.Parse(n.GetValue<string>(), CultureInfo.InvariantCulture);
        if (t == typeof(double)) return D(node);
        if (t == typeof(int)) return node.GetValue<int>();
        if (t == typeof(long)) return node.GetValue<long>();
        if (t == typeof(bool)) return node.GetValue<bool>();
        if (t == typeof(string)) return node.GetValue<string>();
        if (t.IsEnum) return Enum.Parse(t, node.GetValue<string>());
        if (t == typeof(MaxFeatures)) return MaxFeatures.Parse(node.GetValue<string>());
        if (t == typeof(double[])) return node.AsArray().Select(n => D(n!)).ToArray();
        if (t == typeof(int[])) return node.AsArray().Select(n => n!.GetValue<int>()).ToArray();
        if (t == typeof(long[])) return node.AsArray().Select(n => n!.GetValue<long>()).ToArray();
        if (t == typeof(double[][])) return node.AsArray().Select(n => (double[])Read(n, typeof(double[]), source)!).ToArray();
        if (t.IsArray && typeof(IEstimator).IsAssignableFrom(t.GetElementType()))
        {
            JsonArray items = node.AsArray();
            Array array = Array.CreateInstance(t.GetElementType()!, items.Count);
            for (int i = 0; i < items.Count; i++) array.SetValue(FromJson(items[i]!.AsObject(), source), i);
            return array;
        }
        if (t == typeof(Tensor))
        {
            int[] shape = node["shape"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
            var data = (double[])Read(node["data"], typeof(double[]), source)!;
            Tensor x = Tensor.FromArray(data, shape);
            var dtype = Enum.Parse<DType>(node["dtype"]!.GetValue<string>());
            return dtype == DType.Float64 ? x : x.To(dtype);
        }
        throw new InvalidDataException($"{source}: a field of type {t.Name} cannot be read by the estimator format.");
    }
}
