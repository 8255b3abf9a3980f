namespace Nabla.Learn.Training;

/// <summary>What one training epoch measured.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's samples.</param>
/// <param name="ValidationLoss">Mean validation loss, or NaN without validation data.</param>
/// <param name="ValidationAccuracy">Validation accuracy in [0, 1], or NaN without validation data.</param>
/// <param name="LearningRate">The first group's learning rate during the epoch.</param>
/// <param name="Seconds">Wall time of the training loop (validation excluded).</param>
public sealed record EpochResult(int Epoch, double TrainLoss, double ValidationLoss, double ValidationAccuracy,
                                 double LearningRate, double Seconds);

/// <summary>Progress within an epoch, reported after every batch.</summary>
/// <param name="Batch">1-based index of the batch just finished.</param>
/// <param name="Batches">Batches in the epoch.</param>
/// <param name="Samples">Samples seen so far in the epoch.</param>
/// <param name="RunningLoss">Mean loss over those samples.</param>
public readonly record struct BatchProgress(int Batch, int Batches, int Samples, double RunningLoss);
