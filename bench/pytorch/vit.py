"""ViT on Fashion-MNIST, PyTorch side of the side-by-side `vit` workload (Nabla side: bench/Nabla.SideBySide/Vit.cs).

Model (Nabla.Models.Vision.VisionTransformer with its defaults): 28x28 images cut into 16 patches of 7x7, each
flattened (row-major) and embedded by Linear(49, 64); a learned [CLS] token (N(0, 0.02)) is prepended and learned
position embeddings (1, 17, 64) (N(0, 0.02)) are added; nn.TransformerEncoder of 2 nn.TransformerEncoderLayer(64,
nhead=4, dim_feedforward=128, dropout=0, activation="gelu", batch_first=True, norm_first=True); LayerNorm(64) and
Linear(64, 10) on the [CLS] output. Training as W3 (w3.train): Adam 1e-3, batch 128 reshuffled (Generator seed 0),
ONE epoch over the 60,000 training images; metrics "epoch time" and "test accuracy" (10,000 test images).
"""
import common
import w3


def build(torch):
    nn = torch.nn

    class ViT(nn.Module):
        def __init__(self, image=28, patch=7, dim=64, depth=2, heads=4, mlp=128, classes=10):
            super().__init__()
            self.patch, self.grid = patch, image // patch
            self.patch_embed = nn.Linear(patch * patch, dim)
            self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
            self.pos_embed = nn.Parameter(torch.randn(1, self.grid * self.grid + 1, dim) * 0.02)
            layer = nn.TransformerEncoderLayer(dim, heads, mlp, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
            self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
            self.norm = nn.LayerNorm(dim)
            self.head = nn.Linear(dim, classes)

        def forward(self, x):
            b, p, g = x.shape[0], self.patch, self.grid
            x = x.reshape(b, 1, g, p, g, p).permute(0, 2, 4, 1, 3, 5).reshape(b, g * g, p * p)
            x = torch.cat([self.cls_token.expand(b, -1, -1), self.patch_embed(x)], dim=1) + self.pos_embed
            return self.head(self.norm(self.encoder(x)[:, 0]))

    torch.manual_seed(0)
    return ViT()


if __name__ == "__main__":
    torch, args = common.setup(lambda p: p.add_argument("--epochs", type=int, default=1))
    common.emit(torch, w3.train(torch, build(torch), args.epochs))
