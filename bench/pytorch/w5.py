"""W5 side by side, PyTorch: the char LSTM of ../shared/anchors/w5_lstm.py, unchanged in model, data, init,
batching, optimiser and timing. Embedding(63, 64) -> LSTM(64, 256, batch_first) -> Linear(256, 63) on
/work/shared/data/kjv.txt (vocab = sorted set of characters, first 90% train, last 10% val), seq 64, batch 32,
random windows (torch.randint, Generator seed 1337), zero initial state every step, cross-entropy over all 64
positions, Adam(lr=2e-3), 300 steps. Metrics:
  "train tokens/s" = 50 steps x 2048 tokens / wall time of steps 6..55 (forward, backward, optimiser step);
  "loss @300"      = mean training loss over steps 291..300 (one batch is too noisy to compare alone);
  "val loss"       = mean loss over the anchor's 64 deterministic validation windows (2 batches of 32).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

CORPUS = os.environ.get("NABLA_CORPUS", "/work/shared/data/kjv.txt")


def extra(p):
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--window", type=int, default=50)


torch, args = common.setup(extra)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

seq, batch = 64, 32
with open(CORPUS, "r", encoding="ascii") as f:
    text = f.read()
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
V = len(chars)
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
n_tr = int(0.9 * len(data))
train_data, val_data = data[:n_tr], data[n_tr:]


class CharLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, 64)
        self.lstm = nn.LSTM(64, 256, num_layers=1, batch_first=True)
        self.head = nn.Linear(256, V)

    def forward(self, x, y=None):
        h, _ = self.lstm(self.emb(x))
        logits = self.head(h)
        loss = None if y is None else F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
        return logits, loss


torch.manual_seed(0)
model = CharLSTM()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
g = torch.Generator().manual_seed(1337)
ar = torch.arange(seq)


def get_batch():
    ix = torch.randint(len(train_data) - seq - 1, (batch,), generator=g)
    idx = ix[:, None] + ar[None, :]
    return train_data[idx], train_data[idx + 1]


stride = (len(val_data) - seq - 1) // 63
val_idx = (torch.arange(64) * stride)[:, None] + ar[None, :]
VX, VY = val_data[val_idx], val_data[val_idx + 1]

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

model.eval()
with torch.no_grad():
    vl = sum(float(model(VX[i:i + 32], VY[i:i + 32])[1]) for i in (0, 32)) / 2
tail = losses[-10:]
common.emit(torch, {
    "train tokens/s": common.metric("tok/s", True, args.window * seq * batch / t_window),
    "loss @300": common.metric("nats", False, sum(tail) / len(tail)),
    "val loss": common.metric("nats", False, vl),
})
