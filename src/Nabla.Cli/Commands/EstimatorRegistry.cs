using System.Globalization;
using System.Reflection;
using Nabla.Learn;
using Nabla.Learn.Tree;

namespace Nabla.Cli.Commands;

/// <summary>The estimators <c>nabla fit</c> and <c>nabla cv</c> know, by scikit-learn-style snake_case name, and
/// <c>--param k=v</c> applied to their init-only properties by reflection.</summary>
internal static class EstimatorRegistry
{
    private static readonly (string Name, Type Type)[] Entries =
    [
        ("logistic_regression", typeof(Nabla.Learn.LinearModel.LogisticRegression)),
        ("perceptron", typeof(Nabla.Learn.LinearModel.Perceptron)),
        ("sgd_classifier", typeof(Nabla.Learn.LinearModel.SgdClassifier)),
        ("decision_tree", typeof(Nabla.Learn.Tree.DecisionTreeClassifier)),
        ("random_forest", typeof(Nabla.Learn.Ensemble.RandomForestClassifier)),
        ("svc", typeof(Nabla.Learn.Svm.Svc)),
        ("linear_svc", typeof(Nabla.Learn.Svm.LinearSvc)),
        ("gradient_boosting", typeof(Nabla.Learn.Ensemble.GradientBoostingClassifier)),
        ("hist_gradient_boosting", typeof(Nabla.Learn.Ensemble.HistGradientBoostingClassifier)),
        ("linear_regression", typeof(Nabla.Learn.LinearModel.LinearRegression)),
        ("ridge", typeof(Nabla.Learn.LinearModel.Ridge)),
        ("lasso", typeof(Nabla.Learn.LinearModel.Lasso)),
        ("glm", typeof(Nabla.Learn.LinearModel.GeneralizedLinearRegressor)),
        ("decision_tree_regressor", typeof(Nabla.Learn.Tree.DecisionTreeRegressor)),
        ("random_forest_regressor", typeof(Nabla.Learn.Ensemble.RandomForestRegressor)),
    ];

    /// <summary>The names, in table order.</summary>
    public static IEnumerable<string> Names => Entries.Select(e => e.Name);

    /// <summary>A new estimator of the named kind with the given parameters set.</summary>
    /// <exception cref="ArgumentException">An unknown name, parameter or value (the message lists what is accepted).</exception>
    public static IPredictor Create(string name, IEnumerable<string> parameters)
    {
        Type type = Entries.Where(e => e.Name == name).Select(e => e.Type).FirstOrDefault()
                    ?? throw new ArgumentException($"unknown estimator '{name}'; known: {string.Join(", ", Names)}.");
        var estimator = (IPredictor)Activator.CreateInstance(type)!;
        foreach (string p in parameters)
        {
            int eq = p.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ArgumentException($"--param '{p}': expected name=value.");
            Set(estimator, p[..eq].Trim(), p[(eq + 1)..].Trim());
        }
        return estimator;
    }

    /// <summary>Sets one init-only property; the name may be scikit-learn's snake_case (max_depth → MaxDepth).</summary>
    private static void Set(object estimator, string name, string text)
    {
        Type type = estimator.GetType();
        string key = name.Replace("_", "", StringComparison.Ordinal);
        PropertyInfo[] settable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }).ToArray();
        PropertyInfo property = settable.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"{type.Name} has no parameter '{name}'; parameters: {string.Join(", ", settable.Select(p => p.Name))}.");
        object? value;
        try
        {
            value = Parse(text, property.PropertyType);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new ArgumentException($"{type.Name}.{property.Name}: cannot read '{text}' as {Describe(property.PropertyType)}.", e);
        }
        property.SetValue(estimator, value);
    }

    private static string Describe(Type t)
    {
        Type u = Nullable.GetUnderlyingType(t) ?? t;
        return u.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(u))}" : u == typeof(MaxFeatures) ? "sqrt, log2, a count or a fraction" : u.Name;
    }

    private static object? Parse(string text, Type type)
    {
        Type? inner = Nullable.GetUnderlyingType(type);
        if (inner is not null && text is "none" or "None" or "null") return null;
        Type t = inner ?? type;
        if (t == typeof(int)) return int.Parse(text, CultureInfo.InvariantCulture);
        if (t == typeof(long)) return long.Parse(text, CultureInfo.InvariantCulture);
        if (t == typeof(double)) return double.Parse(text, CultureInfo.InvariantCulture);
        if (t == typeof(bool)) return bool.Parse(text);
        if (t == typeof(string)) return text;
        // Enums by name, ignoring case and underscores: penalty=l2, criterion=entropy, loss=modified_huber.
        if (t.IsEnum) return Enum.Parse(t, text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
        if (t == typeof(MaxFeatures)) return MaxFeatures.Parse(text);
        throw new ArgumentException($"parameters of type {t.Name} cannot be given on the command line.");
    }
}
