"""SimCLR encoder φ for 28×28 grey images (Fashion-MNIST), exported to ONNX.

A small ResNet-style encoder (~90k parameters) trained with the NT-Xent loss (τ=0.5, batch 256)
on two augmented views per image. The augmentations contain the project's corruption suite
(crop-and-resize, rotation, translation, horizontal flip, Gaussian noise, occlusion, blur,
contrast), so that φ of a corrupted image stays close to φ of its original.

Export: "image" [batch,1,28,28] in [0,1] → "embedding" [batch,128], L2-normalised inside the
graph; the projection head is dropped.

Usage: python3 onnx/train_simclr.py [--epochs 16] [--seed 1] [--max-seconds 1380]
       python3 onnx/train_simclr.py --bench-steps 20        (time 20 steps, no export)
       python3 onnx/train_simclr.py --export-from CKPT       (evaluate + export a checkpoint)
"""
from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np

import common  # sets thread environment before torch is imported
import torch
import torch.nn as nn
import torch.nn.functional as F

EMBED = 128


def cbr(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Residual(nn.Module):
    """x + BN(conv(ReLU(BN(conv(x))))) followed by ReLU, or a single conv when `convs`=1."""

    def __init__(self, c: int, convs: int = 2) -> None:
        super().__init__()
        layers = []
        for i in range(convs):
            layers += [nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)]
            if i < convs - 1:
                layers.append(nn.ReLU(inplace=True))
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return F.relu(x + self.body(x))


class Encoder(nn.Module):
    """28×28 → stem(32) → 14×14 residual stage(32) → 7×7 residual stage(64) → GAP → linear(128)."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            cbr(1, 32),                 # 28x28
            cbr(32, 32, 2),             # 14x14
            Residual(32, 2),
            cbr(32, 64, 2),             # 7x7
            Residual(64, 1),
            nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(64, EMBED)

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))


class Exported(nn.Module):
    """What is exported: the encoder followed by L2 normalisation (no projection head)."""

    def __init__(self, encoder: Encoder) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, x):
        h = self.encoder(x)
        return h / torch.sqrt((h * h).sum(dim=1, keepdim=True) + 1e-12)


class SimClr(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = Encoder()
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(EMBED, EMBED), nn.ReLU(inplace=True), nn.Linear(EMBED, 64))

    def forward(self, x):
        return self.head(self.encoder(x))


def nt_xent(z: torch.Tensor, tau: float) -> torch.Tensor:
    """NT-Xent over 2N projections: rows i and i+N are the positive pair."""
    z = F.normalize(z, dim=1)
    n = z.shape[0] // 2
    sim = z @ z.T / tau
    sim.fill_diagonal_(-1e9)
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, target)


# ---------------------------------------------------------------- augmentations (batched)

_BLUR = None


def _blur(x: torch.Tensor) -> torch.Tensor:
    global _BLUR
    if _BLUR is None:
        g = torch.tensor([math.exp(-(i * i) / 2.0) for i in (-1, 0, 1)])
        k = torch.outer(g, g)
        _BLUR = (k / k.sum()).reshape(1, 1, 3, 3)
    return F.conv2d(x, _BLUR, padding=1)


def augment(x: torch.Tensor) -> torch.Tensor:
    """One random view per image of x [n,1,28,28] in [0,1]; the result is clamped to [0,1]."""
    n = x.shape[0]
    # geometry: crop-and-resize (zoom, aspect), rotation ±25°, translation ±3 px (+ crop offset), flip
    zoom = torch.empty(n).uniform_(0.72, 1.1)             # <1 zooms in (crop), >1 zooms out
    aspect = torch.exp(torch.empty(n).uniform_(-0.2, 0.2))
    sx, sy = zoom * aspect.sqrt(), zoom / aspect.sqrt()
    ang = torch.empty(n).uniform_(-25, 25) * (math.pi / 180)
    ang = torch.where(torch.rand(n) < 0.85, ang, torch.zeros(n))
    flip = torch.where(torch.rand(n) < 0.5, -torch.ones(n), torch.ones(n))
    crop_slack = (1 - torch.minimum(sx, sy)).clamp(min=0)
    tx = torch.empty(n).uniform_(-1, 1) * (3 / 14 + crop_slack * 0.5)
    ty = torch.empty(n).uniform_(-1, 1) * (3 / 14 + crop_slack * 0.5)
    cos, sin = torch.cos(ang), torch.sin(ang)
    theta = torch.stack([
        torch.stack([cos * sx * flip, -sin * sy, tx], 1),
        torch.stack([sin * sx * flip, cos * sy, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    # blur: blend with a 3×3 Gaussian blur (p=0.3)
    a = (torch.rand(n, 1, 1, 1) < 0.3).float() * torch.empty(n, 1, 1, 1).uniform_(0.5, 1.0)
    x = (1 - a) * x + a * _blur(x)
    # contrast / brightness (p=0.6)
    on = (torch.rand(n, 1, 1, 1) < 0.6).float()
    c = 1 + on * torch.empty(n, 1, 1, 1).uniform_(-0.4, 0.4)
    b = on * torch.empty(n, 1, 1, 1).uniform_(-0.15, 0.15)
    m = x.mean(dim=(2, 3), keepdim=True)
    x = (x - m) * c + m + b
    # occlusion / random erasing (p=0.4): a rectangle of 4–20% of the area, filled with 0, 1 or noise
    er = torch.rand(n) < 0.4
    if er.any():
        idx = er.nonzero().flatten()
        k = idx.numel()
        area = torch.empty(k).uniform_(0.04, 0.20) * 784
        r = torch.exp(torch.empty(k).uniform_(-0.8, 0.8))
        h = (area * r).sqrt().round().clamp(2, 20).long()
        w = (area / r).sqrt().round().clamp(2, 20).long()
        y0 = (torch.rand(k) * (29 - h).float()).long()
        x0 = (torch.rand(k) * (29 - w).float()).long()
        rows = torch.arange(28).reshape(1, 28, 1)
        cols = torch.arange(28).reshape(1, 1, 28)
        mask = ((rows >= y0.reshape(-1, 1, 1)) & (rows < (y0 + h).reshape(-1, 1, 1)) &
                (cols >= x0.reshape(-1, 1, 1)) & (cols < (x0 + w).reshape(-1, 1, 1))).unsqueeze(1)
        kind = torch.randint(0, 3, (k, 1, 1, 1)).float()
        fill = torch.where(kind == 0, torch.zeros(k, 1, 28, 28),
                           torch.where(kind == 1, torch.ones(k, 1, 28, 28), torch.rand(k, 1, 28, 28)))
        x[idx] = torch.where(mask, fill, x[idx])
    # Gaussian noise (p=0.5), σ ~ U(0, 0.35)
    s = (torch.rand(n, 1, 1, 1) < 0.5).float() * torch.empty(n, 1, 1, 1).uniform_(0, 0.35)
    x = x + s * torch.randn_like(x)
    return x.clamp_(0, 1)


# ---------------------------------------------------------------- evaluation

def corruptions(x: torch.Tensor, seed: int = 7) -> dict:
    """The retrieval check's corruptions of x [n,1,28,28] (results clamped to [0,1])."""
    g = torch.Generator().manual_seed(seed)
    n = x.shape[0]
    out = {"hflip": x.flip(3)}
    shifted = torch.zeros_like(x)
    shifted[:, :, :, 3:] = x[:, :, :, :-3]                 # 3 px to the right, zero fill
    out["shift3px"] = shifted
    a = 15 * math.pi / 180
    theta = torch.tensor([[math.cos(a), -math.sin(a), 0.0], [math.sin(a), math.cos(a), 0.0]]).expand(n, 2, 3)
    out["rot15"] = F.grid_sample(x, F.affine_grid(theta, list(x.shape), align_corners=False),
                                 mode="bilinear", padding_mode="zeros", align_corners=False)
    out["gauss0.3"] = (x + 0.3 * torch.randn(x.shape, generator=g)).clamp(0, 1)
    out["gauss0.1"] = (x + 0.1 * torch.randn(x.shape, generator=g)).clamp(0, 1)
    occ = x.clone()
    occ[:, :, 8:18, 8:18] = 0                              # a 10×10 black square in the centre
    out["occlude10x10"] = occ
    return out


def embed(model: nn.Module, x, batch: int = 1000) -> np.ndarray:
    model.eval()
    outs = []
    with torch.no_grad():
        for s in range(0, len(x), batch):
            xb = torch.as_tensor(x[s:s + batch]).contiguous(memory_format=torch.channels_last)
            outs.append(model(xb).numpy())
    return np.concatenate(outs)


def retrieval(model: nn.Module, stored: torch.Tensor) -> dict:
    """Fraction of corrupted queries whose cosine nearest stored image is their own original."""
    res = {}
    fs = torch.from_numpy(embed(model, stored))
    ps = F.normalize(stored.flatten(1), dim=1)
    truth = torch.arange(stored.shape[0])
    for name, q in corruptions(stored).items():
        fq = torch.from_numpy(embed(model, q))
        pq = F.normalize(q.flatten(1), dim=1)
        res[name] = {"phi": round(float(((fq @ fs.T).argmax(1) == truth).float().mean()), 4),
                     "pixels": round(float(((pq @ ps.T).argmax(1) == truth).float().mean()), 4)}
    return res


def evaluate(exported: nn.Module, xtr, ytr, xte, yte) -> dict:
    ftr, fte = embed(exported, xtr), embed(exported, xte)
    knn = common.knn_accuracy(ftr, ytr, fte, yte, k=20)
    ret = retrieval(exported, torch.from_numpy(xte[:1000].copy()))
    return {"knn20_accuracy_phi": round(knn, 4), "retrieval_exact_original_1000": ret}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=16)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--tau", type=float, default=0.5)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-seconds", type=float, default=0.0,
                    help="time budget: if > 0, the cosine schedule runs on max(step fraction, time fraction) and "
                         "training stops when either reaches 1 (the machine is shared, so epochs vary)")
    ap.add_argument("--bench-steps", type=int, default=0)
    ap.add_argument("--checkpoint", default=os.path.join(common.HERE, "checkpoints", "simclr.pt"))
    ap.add_argument("--export-from", default=None)
    args = ap.parse_args()
    common.setup(args.seed, args.threads)

    xtr, ytr = common.load_fashion("train")
    xte, yte = common.load_fashion("t10k")
    model = SimClr().to(memory_format=torch.channels_last)
    n_enc = sum(p.numel() for p in model.encoder.parameters())
    print(f"params encoder {n_enc} head {sum(p.numel() for p in model.head.parameters())}", flush=True)

    steps_per_epoch = len(xtr) // args.batch
    total_steps = args.epochs * steps_per_epoch
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-5)
    warm = steps_per_epoch // 2

    def progress(step, elapsed):
        p = (step - warm) / max(1, total_steps - warm)
        if args.max_seconds > 0:
            p = max(p, elapsed / args.max_seconds)
        return min(1.0, p)

    def lr_at(step, elapsed):
        if step < warm:
            return args.lr * (step + 1) / warm
        return args.lr * 0.5 * (1 + math.cos(math.pi * progress(step, elapsed)))

    xt = torch.from_numpy(xtr)
    epochs_done, train_seconds, step = 0, 0.0, 0
    if args.export_from:
        state = torch.load(args.export_from)
        model.load_state_dict(state["model"])
        epochs_done, train_seconds = state["epochs"], state["seconds"]
    else:
        t0 = time.time()
        done = False
        for epoch in range(args.epochs):
            model.train()
            perm = torch.randperm(len(xt))
            te, total = time.time(), 0.0
            for s in range(0, steps_per_epoch * args.batch, args.batch):
                xb = xt[perm[s:s + args.batch]]
                views = torch.cat([augment(xb), augment(xb)]).contiguous(memory_format=torch.channels_last)
                for gr in opt.param_groups:
                    gr["lr"] = lr_at(step, time.time() - t0)
                loss = nt_xent(model(views), args.tau)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                step += 1
                total += float(loss)
                if step > warm and progress(step, time.time() - t0) >= 1.0:
                    done = True
                    break
                if args.bench_steps and step == args.bench_steps:
                    dt = time.time() - te
                    print(f"{step} steps {dt:.1f}s → {dt / step * steps_per_epoch:.0f}s per epoch", flush=True)
                    return
            n_steps = step - epoch * steps_per_epoch
            epochs_done = round(step / steps_per_epoch, 2)
            train_seconds = time.time() - t0
            print(f"epoch {epoch + 1} ({n_steps} steps) loss {total / max(1, n_steps):.4f} {time.time() - te:.1f}s "
                  f"(total {train_seconds:.0f}s)", flush=True)
            os.makedirs(os.path.dirname(args.checkpoint), exist_ok=True)
            torch.save({"model": model.state_dict(), "epochs": epochs_done, "seconds": train_seconds},
                       args.checkpoint)
            if done:
                print(f"schedule complete after {step} steps ({epochs_done} epochs)", flush=True)
                break

    exported = Exported(model.encoder).eval()
    metrics = evaluate(exported, xtr, ytr, xte, yte)
    pix = common.knn_accuracy(xtr.reshape(len(xtr), -1), ytr, xte.reshape(len(xte), -1), yte, k=20)
    metrics["knn20_accuracy_pixels"] = round(pix, 4)
    metrics["note"] = ("kNN: k=20, cosine, majority vote, train 60,000 → test 10,000. Retrieval: the first 1,000 "
                       "t10k images stored; each queried with a corrupted copy (clamped to [0,1]); fraction "
                       "whose cosine nearest stored item is its own original, in φ space and in pixel space.")
    print(metrics, flush=True)

    exported = Exported(model.encoder.to(memory_format=torch.contiguous_format)).eval()
    path, ref = common.export_onnx(exported, "simclr_encoder", "image", (1, 28, 28), "embedding")
    cmd = common.command_line()
    if args.export_from:
        cmd = f"(exported from the checkpoint of) {cmd}"
    common.update_manifest("simclr_encoder", {
        "description": "SimCLR encoder φ (ResNet-style, NT-Xent τ=%.2f, batch %d); 128-d embedding, "
                       "L2-normalised in the graph; projection head dropped. Augmentations: crop-and-resize, "
                       "rotation ±25°, translation ±3 px, horizontal flip, blur, contrast/brightness, "
                       "occlusion, Gaussian noise σ≤0.35" % (args.tau, args.batch),
        "parameters": n_enc,
        "training_command": cmd,
        "epochs": epochs_done,
        "training_seconds": round(train_seconds, 1),
        "metrics": metrics,
        "reference_outputs_summary": {"shape": list(ref.shape),
                                      "first_values": ref[:, :4].round(6).tolist()},
    })
    print(f"exported {os.path.relpath(path)}", flush=True)


if __name__ == "__main__":
    main()
