namespace Nabla;

/// <summary>Whether ops record the graph for backward, per thread. PyTorch: <c>torch.no_grad</c> /
/// <c>torch.enable_grad</c> / <c>torch.is_grad_enabled</c>.</summary>
/// <example><code>using (GradMode.Disable()) { w.SubInPlace(lr * w.Grad!); }</code></example>
public static class GradMode
{
    [ThreadStatic] private static bool t_disabled;

    /// <summary>True when ops record the graph (the default).</summary>
    public static bool IsEnabled => !t_disabled;

    /// <summary>Stops recording until the returned scope is disposed. PyTorch: <c>with torch.no_grad():</c>.</summary>
    public static Scope Disable() => new(enabled: false);

    /// <summary>Records again inside a disabled region until the scope is disposed. PyTorch: <c>torch.enable_grad()</c>.</summary>
    public static Scope Enable() => new(enabled: true);

    /// <summary>Restores the previous mode when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly bool _previousDisabled;

        internal Scope(bool enabled)
        {
            _previousDisabled = t_disabled;
            t_disabled = !enabled;
        }

        /// <summary>Restores the mode that was in force when the scope was created.</summary>
        public void Dispose() => t_disabled = _previousDisabled;
    }
}
