"""Convolutional autoencoder with a 32-d latent for Fashion-MNIST.

Exports two ONNX models:
  autoencoder_encoder: "image" [batch,1,28,28] → "latent" [batch,32]
  autoencoder_decoder: "latent" [batch,32] → "image" [batch,1,28,28] (sigmoid, in [0,1])
Usage: python3 onnx/train_autoencoder.py [--epochs 6] [--seed 1] [--max-seconds 330]
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

LATENT = 32


def cbr(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Encoder(nn.Module):
    """28→14→7 strided convolutions, then a linear map to the 32-d latent."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Sequential(cbr(1, 16), cbr(16, 32, 2), cbr(32, 32), cbr(32, 64, 2))
        self.fc = nn.Linear(64 * 7 * 7, LATENT)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.conv(x).flatten(1))


class Decoder(nn.Module):
    """Linear to 64×7×7, then two ×2 transposed convolutions (kernel 2, stride 2), 3×3 convolutions, sigmoid."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(LATENT, 64 * 7 * 7)
        self.deconv = nn.Sequential(
            nn.ConvTranspose2d(64, 32, 2, stride=2, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True),  # 14x14
            cbr(32, 32),
            nn.ConvTranspose2d(32, 16, 2, stride=2, bias=False), nn.BatchNorm2d(16), nn.ReLU(inplace=True),  # 28x28
            nn.Conv2d(16, 1, 3, padding=1))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.fc(z)).reshape(-1, 64, 7, 7)  # reshape, not nn.Unflatten (exportable)
        return torch.sigmoid(self.deconv(h))


def test_mse(enc: nn.Module, dec: nn.Module, x: np.ndarray) -> float:
    enc.eval(); dec.eval()
    total = 0.0
    with torch.no_grad():
        for s in range(0, len(x), 1000):
            xb = torch.from_numpy(x[s:s + 1000]).contiguous(memory_format=torch.channels_last)
            total += float(F.mse_loss(dec(enc(xb)), xb, reduction="sum"))
    return total / x.size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-seconds", type=float, default=330.0,
                    help="stop after the epoch that crosses this training time")
    args = ap.parse_args()
    common.setup(args.seed, args.threads)

    xtr, _ = common.load_fashion("train")
    xte, _ = common.load_fashion("t10k")
    enc = Encoder().to(memory_format=torch.channels_last)
    dec = Decoder().to(memory_format=torch.channels_last)
    n_enc = sum(p.numel() for p in enc.parameters())
    n_dec = sum(p.numel() for p in dec.parameters())
    print(f"params encoder {n_enc} decoder {n_dec}", flush=True)
    params = list(enc.parameters()) + list(dec.parameters())
    steps_per_epoch = (len(xtr) + args.batch - 1) // args.batch
    opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=1e-5)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=args.epochs * steps_per_epoch)
    xt = torch.from_numpy(xtr)
    t0 = time.time()
    epochs_done = 0
    for epoch in range(args.epochs):
        enc.train(); dec.train()
        perm = torch.randperm(len(xt))
        te = time.time()
        total = 0.0
        for s in range(0, len(xt), args.batch):
            xb = xt[perm[s:s + args.batch]].contiguous(memory_format=torch.channels_last)
            loss = F.mse_loss(dec(enc(xb)), xb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(xb)
        epochs_done += 1
        print(f"epoch {epoch + 1} train mse {total / len(xt):.5f} {time.time() - te:.1f}s "
              f"test mse {test_mse(enc, dec, xte):.5f}", flush=True)
        if time.time() - t0 > args.max_seconds:
            print("time budget reached", flush=True)
            break
    train_seconds = time.time() - t0
    mse = test_mse(enc, dec, xte)
    print(f"test mse {mse:.5f}, training {train_seconds:.0f}s", flush=True)

    enc = enc.to(memory_format=torch.contiguous_format).eval()
    dec = dec.to(memory_format=torch.contiguous_format).eval()
    common_entry = {
        "training_command": common.command_line(),
        "epochs": epochs_done,
        "training_seconds": round(train_seconds, 1),
        "metrics": {"test_mse": round(mse, 5),
                    "note": "mean squared error per pixel of decoder(encoder(x)) on the 10,000 t10k images"},
    }
    path, ref = common.export_onnx(enc, "autoencoder_encoder", "image", (1, 28, 28), "latent")
    common.update_manifest("autoencoder_encoder", dict(
        description="convolutional autoencoder, encoder half: image → 32-d latent (not normalised)",
        parameters=n_enc, pair="autoencoder_decoder", reference_outputs=ref.round(6).tolist(), **common_entry))
    print(f"exported {os.path.relpath(path)}", flush=True)
    # the decoder's reference inputs are the encoder's reference outputs (models/autoencoder_encoder.reference.f32)
    path, ref = common.export_onnx(dec, "autoencoder_decoder", "latent", (LATENT,), "image")
    common.update_manifest("autoencoder_decoder", dict(
        description="convolutional autoencoder, decoder half: 32-d latent → image [0,1] (sigmoid); "
                    "its reference inputs are autoencoder_encoder.reference.f32",
        parameters=n_dec, pair="autoencoder_encoder", reference_inputs_file="autoencoder_encoder.reference.f32",
        reference_outputs_summary={"shape": list(ref.shape), "mean": float(ref.mean()),
                                   "first_values": ref.reshape(-1)[:8].round(6).tolist()},
        **common_entry))
    print(f"exported {os.path.relpath(path)}", flush=True)


if __name__ == "__main__":
    main()
