"""PyTorch side of the `filters` workload (bench/Nabla.SideBySide/ImageFilters.cs).

Gaussian blur sigma=2 of a 3x1024x1024 image as torchvision.transforms.functional.gaussian_blur computes it
(reflect padding, then a depthwise conv2d with the 13x13 outer-product kernel); Sobel gradient magnitude and the
4-neighbour Laplacian of a 1x1024x1024 image with reflect padding and conv2d. Median milliseconds per call.
"""
import math

from common import emit, metric, setup, timed

torch, args = setup()
F = torch.nn.functional
torch.manual_seed(0)
SIDE = 1024
rgb = torch.rand(1, 3, SIDE, SIDE)
grey = torch.rand(1, 1, SIDE, SIDE)

sigma, size = 2.0, 2 * math.ceil(3 * 2.0) + 1
x = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
g1 = torch.exp(-x * x / (2 * sigma * sigma))
g1 = g1 / g1.sum()
g2 = torch.outer(g1, g1).expand(3, 1, size, size).contiguous()
sobel = torch.tensor([[[[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]]], [[[-1.0, -2, -1], [0, 0, 0], [1, 2, 1]]]])
laplace = torch.tensor([[[[0.0, 1, 0], [1, -4, 1], [0, 1, 0]]]])
r = size // 2


def blur():
    return F.conv2d(F.pad(rgb, (r, r, r, r), mode="reflect"), g2, groups=3)


def sobel_magnitude():
    d = F.conv2d(F.pad(grey, (1, 1, 1, 1), mode="reflect"), sobel)
    return torch.sqrt(d[:, :1] ** 2 + d[:, 1:] ** 2)


def laplacian():
    return F.conv2d(F.pad(grey, (1, 1, 1, 1), mode="reflect"), laplace)


with torch.no_grad():
    emit(torch, {
        "gaussian blur 3x1024x1024": metric("ms", False, timed(blur) * 1e3),
        "sobel magnitude 1024x1024": metric("ms", False, timed(sobel_magnitude) * 1e3),
        "laplacian 1024x1024": metric("ms", False, timed(laplacian) * 1e3),
    })
