"""W5 side by side, PyTorch: the char LSTM of ../shared/anchors/w5_lstm.py, unchanged in model, data, init,
batching, optimiser and timing. Embedding(63, 64) -> LSTM(64, 256, batch_first) -> Linear(256, 63) on
/work/shared/data/kjv.txt (vocab = sorted set of characters, first 90% train, last 10% val), seq 64, batch 32,
random windows (torch.randint, Generator seed 1337), zero initial state every step, cross-entropy over all 64
positions, Adam(lr=2e-3), 300 steps. With --cell gru, nn.GRU(64, 256, batch_first) replaces the LSTM. Metrics:
  "train tokens/s" = 50 steps x 2048 tokens / wall time of steps 6..55 (forward, backward, optimiser step);
  "loss @300"      = mean training loss over steps 291..300 (one batch is too noisy to compare alone);
  "val loss"       = mean loss over the anchor's 64 deterministic validation windows (2 batches of 32).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def extra(p):
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--window", type=int, default=50)
    p.add_argument("--cell", choices=("lstm", "gru"), default="lstm")


torch, args = common.setup(extra)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

seq, batch = 64, 32
V, train_data, val_data = common.char_corpus(torch)


class CharLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, 64)
        rnn = nn.GRU if args.cell == "gru" else nn.LSTM
        self.lstm = rnn(64, 256, num_layers=1, batch_first=True)
        self.head = nn.Linear(256, V)

    def forward(self, x, y=None):
        h, _ = self.lstm(self.emb(x))
        logits = self.head(h)
        loss = None if y is None else F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
        return logits, loss


torch.manual_seed(0)
model = CharLSTM()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
get_batch = common.char_batches(torch, train_data, batch, seq)
VX, VY = common.val_windows(torch, val_data, seq)
losses, t_window = common.train_steps(model, opt, get_batch, args.steps, args.window)

model.eval()
with torch.no_grad():
    vl = sum(float(model(VX[i:i + 32], VY[i:i + 32])[1]) for i in (0, 32)) / 2
tail = losses[-10:]
common.emit(torch, {
    "train tokens/s": common.metric("tok/s", True, args.window * seq * batch / t_window),
    "loss @300": common.metric("nats", False, sum(tail) / len(tail)),
    "val loss": common.metric("nats", False, vl),
})
