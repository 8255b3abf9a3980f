namespace Nabla.Optim;

/// <summary>An optimizer's saved state in PyTorch's layout. PyTorch: the dict returned by
/// <c>optimizer.state_dict()</c>, with keys <c>"state"</c> and <c>"param_groups"</c>.</summary>
/// <remarks>Per-parameter state is keyed by the parameter's index across all groups in order, and holds tensors
/// under PyTorch's names (<c>"step"</c> as a 0-d float64 tensor, <c>"exp_avg"</c>, <c>"exp_avg_sq"</c>,
/// <c>"max_exp_avg_sq"</c>, <c>"momentum_buffer"</c>, <c>"sum"</c>, <c>"square_avg"</c>, <c>"grad_avg"</c>,
/// <c>"acc_delta"</c>, <c>"exp_inf"</c>, <c>"mu_product"</c>). Each group's dictionary holds its hyper-parameters
/// plus <c>"params"</c>, an <see cref="int"/> array of those indices.</remarks>
public sealed class OptimizerStateDict
{
    /// <summary>Per-parameter state by parameter index. PyTorch: <c>state_dict()["state"]</c>.</summary>
    public IDictionary<int, Dictionary<string, Tensor>> State { get; } = new SortedDictionary<int, Dictionary<string, Tensor>>();

    /// <summary>The groups' hyper-parameters and parameter indices. PyTorch: <c>state_dict()["param_groups"]</c>.</summary>
    public IList<Dictionary<string, object>> ParamGroups { get; } = [];
}
