"""Small CNN classifier for Fashion-MNIST, exported to ONNX.

Input "image" [batch,1,28,28] float32 in [0,1]; output "logits" [batch,10].
Usage: python3 onnx/train_classifier.py [--epochs 4] [--seed 1] [--max-seconds 300]
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

import common  # sets thread environment before torch is imported
import torch
import torch.nn as nn
import torch.nn.functional as F


class SmallCnn(nn.Module):
    """conv(1→16) → conv(16→32) → pool → conv(32→64) → pool → conv(64→64) → GAP → fc(64→10)."""

    def __init__(self) -> None:
        super().__init__()

        def block(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False),
                                 nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

        self.features = nn.Sequential(
            block(1, 16), block(16, 32), nn.MaxPool2d(2),   # 14x14
            block(32, 64), nn.MaxPool2d(2),                 # 7x7
            block(64, 64), nn.AdaptiveAvgPool2d(1))
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.features(x).flatten(1)
        return self.fc(self.dropout(h))


def evaluate(model: nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    model.eval()
    correct = 0
    with torch.no_grad():
        for s in range(0, len(x), 1000):
            xb = torch.from_numpy(x[s:s + 1000]).contiguous(memory_format=torch.channels_last)
            correct += int((model(xb).argmax(1).numpy() == y[s:s + 1000]).sum())
    return correct / len(x)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-seconds", type=float, default=300.0,
                    help="stop after the epoch that crosses this training time")
    args = ap.parse_args()
    common.setup(args.seed, args.threads)

    xtr, ytr = common.load_fashion("train")
    xte, yte = common.load_fashion("t10k")
    model = SmallCnn().to(memory_format=torch.channels_last)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"params {n_params}", flush=True)
    steps_per_epoch = (len(xtr) + args.batch - 1) // args.batch
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=args.epochs * steps_per_epoch)
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    t0 = time.time()
    epochs_done = 0
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xt))
        te = time.time()
        total = 0.0
        for s in range(0, len(xt), args.batch):
            idx = perm[s:s + args.batch]
            xb = xt[idx]
            # light augmentation: random horizontal flip and ±2 px shift
            flip = torch.rand(len(idx)) < 0.5
            xb[flip] = xb[flip].flip(3)
            dx, dy = np.random.randint(-2, 3, size=2)
            xb = torch.roll(xb, shifts=(int(dy), int(dx)), dims=(2, 3))
            xb = xb.contiguous(memory_format=torch.channels_last)
            loss = F.cross_entropy(model(xb), yt[idx], label_smoothing=0.05)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        epochs_done += 1
        print(f"epoch {epoch + 1} loss {total / len(xt):.4f} {time.time() - te:.1f}s "
              f"test acc {evaluate(model, xte, yte):.4f}", flush=True)
        if time.time() - t0 > args.max_seconds:
            print("time budget reached", flush=True)
            break
    train_seconds = time.time() - t0
    acc = evaluate(model, xte, yte)
    print(f"test accuracy {acc:.4f}, training {train_seconds:.0f}s", flush=True)

    model = model.to(memory_format=torch.contiguous_format).eval()
    path, ref = common.export_onnx(model, "classifier", "image", (1, 28, 28), "logits")
    common.update_manifest("classifier", {
        "description": "small CNN classifier (4 conv+BN+ReLU blocks, global average pool, linear); "
                       "Fashion-MNIST class logits (softmax not applied)",
        "parameters": n_params,
        "training_command": common.command_line(),
        "epochs": epochs_done,
        "training_seconds": round(train_seconds, 1),
        "metrics": {"test_accuracy": round(acc, 4)},
        "reference_outputs": ref.round(6).tolist(),
    })
    print(f"exported {os.path.relpath(path)}", flush=True)


if __name__ == "__main__":
    main()
