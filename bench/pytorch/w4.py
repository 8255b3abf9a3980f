"""W4 char-GPT, PyTorch side, exactly as ../shared/anchors/w4_gpt.py (see its docstring for the definition).

4 pre-LN blocks (4 heads, 128-d, fused qkv c_attn, c_proj, GELU MLP x4), learned positions, final LayerNorm,
untied lm_head; nanoGPT init; AdamW(3e-4); batch 32 x block 128 random windows (Generator seed 1337) from the
first 90 % of kjv.txt; 300 steps. Metrics:
  "train tokens/s"       32*128*50 / time of steps 6..55
  "loss @300"            mean training loss of steps 291..300
  "val loss"             64 fixed validation windows at offsets k*((len(val)-129)//63), 2 batches of 32
  "generation tokens/s"  500 chars, batch 1, from '\n', full (cropped to 128) context per token: no KV cache;
                         timed after an untimed generation of the same length (as the Nabla side)
Corpus: $NABLA_CORPUS or /work/shared/data/kjv.txt. Model: gpt_model.py; data and training loop: common.py.
"""
import time

import common


def extra(p):
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--gen", type=int, default=500)
    p.add_argument("--window", type=int, default=50)


torch, args = common.setup(extra)
import torch.nn.functional as F  # noqa: E402
from gpt_model import make_gpt  # noqa: E402

n_layer, n_head, n_embd, block_size, batch = 4, 4, 128, 128, 32
V, train_data, val_data = common.char_corpus(torch)
torch.manual_seed(0)
model = make_gpt(V, block_size, n_layer, n_head, n_embd)
opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
get_batch = common.char_batches(torch, train_data, batch, block_size)
VX, VY = common.val_windows(torch, val_data, block_size)


def val_loss():
    model.eval()
    with torch.no_grad():
        ls = [float(model(VX[i:i + 32], VY[i:i + 32])[1]) for i in (0, 32)]
    model.train()
    return sum(ls) / 2


losses, t_window = common.train_steps(model, opt, get_batch, args.steps, args.window)
vl = val_loss()

model.eval()


def generate(seed):
    """args.gen tokens from token 0 ('\n'), re-running the (cropped) context for every token: the anchor's loop."""
    gg = torch.Generator().manual_seed(seed)
    idx = torch.zeros((1, 1), dtype=torch.long)
    with torch.no_grad():
        for _ in range(args.gen):
            idx_cond = idx if idx.size(1) <= block_size else idx[:, -block_size:]
            logits, _ = model(idx_cond)
            probs = F.softmax(logits[:, -1, :], dim=-1)
            idx = torch.cat((idx, torch.multinomial(probs, num_samples=1, generator=gg)), dim=1)


# An untimed run of the same length first, as the Nabla side does (there it lets the JIT finish compiling).
generate(0)
t0 = time.perf_counter()
generate(42)
t_gen = time.perf_counter() - t0

metrics = {
    "train tokens/s": common.metric("tokens/s", True, args.window * batch * block_size / t_window),
    "loss @300": common.metric("nats", False, sum(losses[-10:]) / len(losses[-10:])),
    "val loss": common.metric("nats", False, vl),
    "generation tokens/s": common.metric("tokens/s", True, args.gen / t_gen),
}
common.emit(torch, metrics)
