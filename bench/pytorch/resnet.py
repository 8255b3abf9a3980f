"""The small ResNet workload, PyTorch side: the network of Nabla.Models.Vision.ResNet (3x3 stem conv of 16 channels
without bias + BatchNorm + ReLU; three stages of one BasicBlock each at 16/32/64 channels, the 2nd and 3rd with
stride 2 and a 1x1 conv + BatchNorm projection shortcut; global average pooling; Linear(64, 10)), trained with W3's
loop (w3.train: Adam 1e-3, batch 128, reshuffled each epoch, 1 epoch by default). Metrics "epoch time" and "test
accuracy" as W3."""
import common
from w3 import train


def build(nn):
    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            h = self.bn1(self.conv1(x)).relu()
            h = self.bn2(self.conv2(h))
            return (h + (x if self.downsample is None else self.downsample(x))).relu()

    class ResNet(nn.Module):
        def __init__(self, width=16, classes=10):
            super().__init__()
            self.conv1 = nn.Conv2d(1, width, 3, 1, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(width)
            self.layer1 = nn.Sequential(BasicBlock(width, width, 1))
            self.layer2 = nn.Sequential(BasicBlock(width, 2 * width, 2))
            self.layer3 = nn.Sequential(BasicBlock(2 * width, 4 * width, 2))
            self.fc = nn.Linear(4 * width, classes)

        def forward(self, x):
            h = self.bn1(self.conv1(x)).relu()
            h = self.layer3(self.layer2(self.layer1(h)))
            return self.fc(h.mean((2, 3)))

    return ResNet()


if __name__ == "__main__":
    torch, args = common.setup(lambda p: p.add_argument("--epochs", type=int, default=1))
    torch.manual_seed(0)
    common.emit(torch, train(torch, build(torch.nn), args.epochs))
