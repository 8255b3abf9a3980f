namespace Nabla.Nn;

/// <summary>What <see cref="Module.LoadStateDict"/> could not match: keys the module has but the state dict
/// lacks, and keys the state dict has but the module does not. PyTorch: the <c>_IncompatibleKeys</c> named tuple
/// returned by <c>load_state_dict</c>.</summary>
/// <param name="MissingKeys">Module keys absent from the state dict.</param>
/// <param name="UnexpectedKeys">State-dict keys the module does not have.</param>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
