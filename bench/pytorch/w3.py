"""W3, PyTorch side (../shared/anchors/w3_cnn.py): LeNet-5 on Fashion-MNIST, pixels/255 as N x 1 x 28 x 28,
Conv2d(1,6,5,padding=2)-ReLU-MaxPool2d(2)-Conv2d(6,16,5)-ReLU-MaxPool2d(2)-Flatten-Linear(400,120)-ReLU-
Linear(120,84)-ReLU-Linear(84,10), CrossEntropyLoss, Adam(lr=1e-3), batch 128 reshuffled each epoch (Generator seed
0, 469 steps), torch.manual_seed(0) default init. Metrics: "epoch time" (median training-loop seconds per epoch)
and "test accuracy" (% of the 10,000 test images, evaluated in batches of 1000 after the last epoch)."""
import time

import common


def train(torch, model, epochs, lr=1e-3):
    """Shared with resnet.py: trains on Fashion-MNIST images and returns the metrics dict."""
    Xtr, ytr, Xte, yte = common.fashion_mnist(torch)
    Xtr, Xte = Xtr.view(-1, 1, 28, 28), Xte.view(-1, 1, 28, 28)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    lossf = torch.nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(0)
    B, N = 128, Xtr.shape[0]
    times = []
    for _ in range(epochs):
        perm = torch.randperm(N, generator=g)
        t0 = time.perf_counter()
        for i in range(0, N, B):
            idx = perm[i:i + B]
            loss = lossf(model(Xtr[idx]), ytr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss.item()
        times.append(time.perf_counter() - t0)
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, Xte.shape[0], 1000):
            correct += int((model(Xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum())
    return {"epoch time": common.metric("s", False, common.median(times)),
            "test accuracy": common.metric("%", True, 100.0 * correct / Xte.shape[0])}


if __name__ == "__main__":
    torch, args = common.setup(lambda p: p.add_argument("--epochs", type=int, default=3))
    import torch.nn as nn
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    common.emit(torch, train(torch, model, args.epochs))
