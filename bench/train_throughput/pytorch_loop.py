#!/usr/bin/env python3
"""The PyTorch peer of bench_train_throughput: the same MLP regression, the
same data (same seed, same LibTorch generator), the same initial weights, the
same batches, the same thread count, in the training loop one writes in
Python: a shuffled index per epoch, index_select batches, zero_grad / forward /
MSE / backward / Adam step, loss.item() per step.

Per batch size (--batch takes a list): one untimed epoch over the first
--warmup-rows rows with a throwaway network, then a fresh network trained for
--epochs epochs over all rows; it reports the best epoch and the fastest 20
consecutive steps inside an epoch. Prints one line per batch size with the
keys of bench_train_throughput:

  RESULT impl=pytorch model=32-256-256-1 batch=256 threads=2 rows=100000 epochs=1
         best_epoch_s=... samples_per_s=... window_samples_per_s=... best_epoch_cpu_s=...
         flops_per_sample=... gflops=... final_loss=... data_sum=...

  pytorch_loop.py [--hidden 256,256] [--batch 64,256,1024] [--rows 100000] [--features 32]
                  [--epochs 2] [--warmup-rows 10000] [--threads N] [--seed 0] [--lr 3e-4]
                  [--foreach] [--set-to-none] [--steps]

--steps prints the parts of one step in microseconds instead (impl=steps-pytorch).
"""
import argparse
import math
import sys
import time

import torch
import torch.nn.functional as F


def flops_per_sample(features, hidden):
    """Multiply-adds x 2 of the weight GEMMs per sample: forward, weight
    gradients, input gradients of every layer but the first (as the C++ side)."""
    widths = [features] + hidden + [1]
    weights = sum(a * b for a, b in zip(widths, widths[1:]))
    return 2.0 * weights * 3.0 - 2.0 * widths[0] * widths[1]


def make_model(features, hidden, seed):
    """nnrecipe's TabularNet for a table without embeddings: Linear-ReLU
    blocks and an output Linear, created in the same order (same init draws)."""
    torch.manual_seed(seed)
    layers = []
    width = features
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, 1))
    return torch.nn.Sequential(*layers)


WINDOW_STEPS = 20


def train(args, hidden, batch, x, y, epochs):
    """Trains a fresh model; returns (epoch seconds, epoch process CPU
    seconds, fastest 20-step window in seconds or 0, last epoch's mean loss)."""
    model = make_model(args.features, hidden, args.seed + 1)
    opt_kwargs = {"foreach": True} if args.foreach else {}
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, **opt_kwargs)
    n = x.shape[0]
    times, cpu_times = [], []
    best_window = 0.0  # fastest WINDOW_STEPS consecutive steps inside an epoch, as the C++ side
    final_loss = 0.0
    for epoch in range(epochs):
        start, cpu_start = time.perf_counter(), time.process_time()
        model.train()
        # BatchIterator's order: one generator per (seed, epoch).
        generator = torch.Generator().manual_seed(args.seed * 1000003 + epoch)
        order = torch.randperm(n, generator=generator)
        total = 0.0
        step, last_mark = 0, None
        for i in range(0, n, batch):
            index = order[i:i + batch]
            xb = x.index_select(0, index)
            yb = y.index_select(0, index)
            optimizer.zero_grad(set_to_none=args.set_to_none)
            loss = F.mse_loss(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * xb.shape[0]
            step += 1
            if step % WINDOW_STEPS == 0:
                now = time.perf_counter()
                if last_mark is not None and (best_window == 0.0 or now - last_mark < best_window):
                    best_window = now - last_mark
                last_mark = now
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
        final_loss = total / n
    return times, cpu_times, best_window, final_loss


def steps(args, hidden, batch, x, y, threads, model_name):
    """--steps: the parts of one step in microseconds, as bench_train_throughput
    --impl steps measures them (windows taking turns, the fastest counts)."""
    model = make_model(args.features, hidden, args.seed + 1)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    n = x.shape[0]
    state = {"order": torch.randperm(n), "pos": 0, "loss": None, "total": 0.0}

    def next_batch():
        if state["pos"] >= n:
            state["order"], state["pos"] = torch.randperm(n), 0
        index = state["order"][state["pos"]:state["pos"] + batch]
        state["pos"] += batch
        state["xb"], state["yb"] = x.index_select(0, index), y.index_select(0, index)

    def fwd_bwd():
        loss = F.mse_loss(model(state["xb"]), state["yb"])
        loss.backward()
        state["loss"] = loss

    def step_full():
        next_batch()
        optimizer.zero_grad()
        fwd_bwd()
        optimizer.step()
        state["total"] += state["loss"].item() * state["xb"].shape[0]

    next_batch()
    fwd_bwd()
    parts = [("batch", next_batch), ("zero_grad", optimizer.zero_grad),
             ("fwd_bwd", lambda: (optimizer.zero_grad(), fwd_bwd())), ("adam", optimizer.step),
             ("item", lambda: state["loss"].item()), ("step_pytorch", step_full)]
    window = max(4, 4096 // batch)
    best = [float("inf")] * len(parts)
    for rnd in range(12):
        for i, (_, fn) in enumerate(parts):
            start = time.perf_counter()
            for _ in range(window):
                fn()
            if rnd > 0:
                best[i] = min(best[i], (time.perf_counter() - start) / window)
    for (name, _), t in zip(parts, best):
        print(f"RESULT impl=steps-pytorch model={model_name} batch={batch} threads={threads} part={name} "
              f"us_per_step={t * 1e6:.2f}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hidden", default="256,256")
    ap.add_argument("--batch", default="64,256,1024")
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--features", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--warmup-rows", type=int, default=10000)
    ap.add_argument("--threads", type=int, default=0, help="0 = torch's default")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--foreach", action="store_true", help="Adam(foreach=True) (default: torch's default)")
    ap.add_argument("--set-to-none", action="store_true", help="zero_grad(set_to_none=True)")
    ap.add_argument("--steps", action="store_true", help="time the parts of a step instead")
    ap.add_argument("--name", default="pytorch", help="impl name in the RESULT lines")
    args = ap.parse_args()
    hidden = [int(h) for h in args.hidden.split(",")]

    if args.threads > 0:
        torch.set_num_threads(args.threads)

    # The data of bench_train_throughput's make_data, draw for draw.
    torch.manual_seed(args.seed)
    x = torch.randn(args.rows, args.features)
    w = torch.randn(args.features, 1) / math.sqrt(args.features)
    y = (torch.sin(x.mm(w)) + 0.1 * torch.randn(args.rows, 1)).contiguous()
    data_sum = x.sum().item() + y.sum().item()

    fps = flops_per_sample(args.features, hidden)
    impl = args.name
    if args.foreach or args.set_to_none:
        impl += ":" + ",".join(k for k, on in (("foreach", args.foreach), ("set_to_none", args.set_to_none)) if on)
    model_name = "-".join(str(v) for v in [args.features] + hidden + [1])
    if args.steps:
        for batch in [int(b) for b in args.batch.split(",")]:
            steps(args, hidden, batch, x, y, torch.get_num_threads(), model_name)
        return 0
    warm_rows = min(args.rows, args.warmup_rows)
    for batch in [int(b) for b in args.batch.split(",")]:
        if warm_rows > 0:
            train(args, hidden, batch, x[:warm_rows], y[:warm_rows], 1)
        times, cpu_times, best_window, final_loss = train(args, hidden, batch, x, y, args.epochs)
        best = min(times)
        samples_per_s = args.rows / best
        window_sps = WINDOW_STEPS * batch / best_window if best_window > 0 else samples_per_s
        print(f"RESULT impl={impl} model={model_name} batch={batch} threads={torch.get_num_threads()} "
              f"rows={args.rows} epochs={args.epochs} best_epoch_s={best:.6f} samples_per_s={samples_per_s:.1f} "
              f"window_samples_per_s={window_sps:.1f} "
              f"best_epoch_cpu_s={min(cpu_times):.6f} "
              f"flops_per_sample={fps:.0f} gflops={samples_per_s * fps / 1e9:.3f} final_loss={final_loss:.6f} "
              f"data_sum={data_sum:.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
