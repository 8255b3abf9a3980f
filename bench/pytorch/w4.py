"""W4 char-GPT, PyTorch side, exactly as ../shared/anchors/w4_gpt.py (see its docstring for the definition).

4 pre-LN blocks (4 heads, 128-d, fused qkv c_attn, c_proj, GELU MLP x4), learned positions, final LayerNorm,
untied lm_head; nanoGPT init; AdamW(3e-4); batch 32 x block 128 random windows (Generator seed 1337) from the
first 90 % of kjv.txt; 300 steps. Metrics:
  "train tokens/s"       32*128*50 / time of steps 6..55
  "loss @300"            mean training loss of steps 291..300
  "val loss"             64 fixed validation windows at offsets k*((len(val)-129)//63), 2 batches of 32
  "generation tokens/s"  500 chars, batch 1, from '\n', full (cropped to 128) context per token: no KV cache
Corpus: $NABLA_CORPUS or /work/shared/data/kjv.txt.
"""
import math
import os
import time

import common


def extra(p):
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--gen", type=int, default=500)
    p.add_argument("--window", type=int, default=50)


torch, args = common.setup(extra)
torch.manual_seed(0)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

n_layer, n_head, n_embd, block_size, batch = 4, 4, 128, 128, 32
with open(os.environ.get("NABLA_CORPUS", "/work/shared/data/kjv.txt"), "r", encoding="ascii") as f:
    text = f.read()
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
V = len(chars)
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
n_tr = int(0.9 * len(data))
train_data, val_data = data[:n_tr], data[n_tr:]


class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.register_buffer("mask", torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size))

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(n_embd, dim=2)
        hd = C // n_head
        q = q.view(B, T, n_head, hd).transpose(1, 2)
        k = k.view(B, T, n_head, hd).transpose(1, 2)
        v = v.view(B, T, n_head, hd).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * n_embd, n_embd)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention()
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = MLP()

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.h = nn.ModuleList([Block() for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, V, bias=False)
        self.apply(self._init)
        for pn, p in self.named_parameters():
            if pn.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets=None):
        B, T = idx.shape
        pos = torch.arange(T, dtype=torch.long)
        x = self.wte(idx) + self.wpe(pos)
        for blk in self.h:
            x = blk(x)
        logits = self.lm_head(self.ln_f(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, V), targets.view(-1))
        return logits, loss


torch.manual_seed(0)
model = GPT()
opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
g = torch.Generator().manual_seed(1337)
ar = torch.arange(block_size)


def get_batch():
    ix = torch.randint(len(train_data) - block_size - 1, (batch,), generator=g)
    idx = ix[:, None] + ar[None, :]
    return train_data[idx], train_data[idx + 1]


stride = (len(val_data) - block_size - 1) // 63
val_off = torch.arange(64) * stride
val_idx = val_off[:, None] + ar[None, :]
VX, VY = val_data[val_idx], val_data[val_idx + 1]


def val_loss():
    model.eval()
    with torch.no_grad():
        ls = [float(model(VX[i:i + 32], VY[i:i + 32])[1]) for i in (0, 32)]
    model.train()
    return sum(ls) / 2


losses = []
t_window = None
for step in range(1, args.steps + 1):
    if step == 6:
        t_w0 = time.perf_counter()
    xb, yb = get_batch()
    _, loss = model(xb, yb)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    losses.append(loss.item())
    if step == 5 + args.window:
        t_window = time.perf_counter() - t_w0
vl = val_loss()

model.eval()
gg = torch.Generator().manual_seed(42)
idx = torch.zeros((1, 1), dtype=torch.long)  # token 0 == '\n'
with torch.no_grad():
    t0 = time.perf_counter()
    for _ in range(args.gen):
        idx_cond = idx if idx.size(1) <= block_size else idx[:, -block_size:]
        logits, _ = model(idx_cond)
        probs = F.softmax(logits[:, -1, :], dim=-1)
        nxt = torch.multinomial(probs, num_samples=1, generator=gg)
        idx = torch.cat((idx, nxt), dim=1)
    t_gen = time.perf_counter() - t0

metrics = {
    "train tokens/s": common.metric("tokens/s", True, args.window * batch * block_size / t_window),
    "loss @300": common.metric("nats", False, sum(losses[-10:]) / len(losses[-10:])),
    "val loss": common.metric("nats", False, vl),
    "generation tokens/s": common.metric("tokens/s", True, args.gen / t_gen),
}
common.emit(torch, metrics)
