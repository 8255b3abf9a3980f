namespace Nabla.SideBySide;

/// <summary>Registers a static class as a side-by-side workload: the class has
/// <c>public static JsonObject Run(string[] args)</c>, which runs the Nabla side in a child process (args hold
/// <c>--child name --threads N</c>) and returns <c>{"metrics": {"metric": {"unit", "higher", "value"}}}</c>;
/// <c>bench/pytorch/&lt;name&gt;.py --threads N</c> prints the same metrics plus <c>"blas"</c>.</summary>
/// <param name="name">The workload's name on the command line (w3, w4, …).</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class WorkloadAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
