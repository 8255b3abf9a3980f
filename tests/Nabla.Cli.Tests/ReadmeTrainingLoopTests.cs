using Nabla.Data;
using Nabla.IO;
using Nabla.Nn;
using Nabla.Optim;
using Xunit;
using F = Nabla.Nn.Functional;

namespace Nabla.Cli.Tests;

/// <summary>README's "A training loop", kept compiling and checked (two epochs instead of twenty).</summary>
public sealed class ReadmeTrainingLoopTests
{
    [Fact]
    public void Readme_training_loop_learns_the_digits()
    {
        Tensor.ManualSeed(0);
        (Tensor x, Tensor y) = Digits.Load();
        var model = new Sequential(new Linear(64, 64), new Relu(), new Linear(64, 10));
        var optimizer = new Adam(model.Parameters(), lr: 1e-3);
        var losses = new List<double>();
        foreach (int epoch in Enumerable.Range(0, 2))
            foreach (Tensor[] batch in new DataLoader<Tensor[]>(new TensorDataset(x / 16.0, y), batchSize: 32, shuffle: true))
            {
                optimizer.ZeroGrad();
                Tensor loss = F.CrossEntropy(model.Forward(batch[0]), batch[1]);
                loss.Backward();
                optimizer.Step();
                losses.Add(loss.ItemAsDouble());
            }
        string path = Path.Combine(Path.GetTempPath(), $"digits-{Guid.NewGuid():N}.safetensors");
        model.Save(path);
        Assert.Equal(model.StateDict().Keys.Order(), SafeTensors.Load(path).Keys.Order());
        File.Delete(path);
        // 57 steps per epoch; the mean loss of the last 20 steps is well below the first 20's (≈ ln 10 = 2.30).
        Assert.Equal(114, losses.Count);
        Assert.True(losses.TakeLast(20).Average() < losses.Take(20).Average() - 0.5);
    }
}
