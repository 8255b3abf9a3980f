using Xunit;

namespace Nabla.Core.Tests;

/// <summary>src/Nabla.Core/buildTransitive/Nabla.Core.targets (which Directory.Build.targets imports and the package
/// ships) gives every executable that uses Nabla its GC settings: this test host is one of them.</summary>
public sealed class GcSettingsTests
{
    [Fact]
    public void This_test_host_runs_with_the_settings_of_Nabla_Core_targets()
    {
        // 128 MiB regions, a 32 MiB large-object threshold, freed memory kept committed (the file says why).
        Assert.Equal(128L * 1024 * 1024, Convert.ToInt64(AppContext.GetData("System.GC.RegionSize"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(32L * 1024 * 1024, Convert.ToInt64(AppContext.GetData("System.GC.LOHThreshold"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("true", AppContext.GetData("System.GC.RetainVM")?.ToString(), ignoreCase: true);
    }
}
