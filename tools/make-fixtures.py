#!/usr/bin/python3
"""Writes test/fixtures/update-golden.safetensors: a tiny TD-MPC2 configuration's parameters, a
batch, and the expected statistics and parameters after 1 and after 3 updates, computed by the
independent PyTorch implementation in tools/fixtures/reference_model.py with tdmpc2's Philox draws.

Run with Debian's python3-torch (tests never need Python):
    /usr/bin/python3 tools/make-fixtures.py
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "fixtures"))
import reference_model as rm  # noqa: E402
import safetensors_io  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(0)

# grad_clip_norm is small so the clip acts; the last Q layer is spread so the running scale moves.
CFG = dict(
    obs_dim=5, action_dim=2, latent_dim=16, mlp_dim=32, enc_dim=16, num_enc_layers=2, num_q=5,
    num_bins=101, vmin=-10.0, vmax=10.0, simnorm_dim=8, batch_size=8, horizon=3, rho=0.5,
    lr=3e-4, enc_lr_scale=0.3, grad_clip_norm=0.5, tau=0.01, discount=0.99, dropout=0.01,
    log_std_min=-10.0, log_std_max=2.0, entropy_coef=1e-4, consistency_coef=20.0,
    reward_coef=0.1, value_coef=0.1, seed=7,
)


def init_params(cfg):
    """Random parameters of every layer (also the output layers, which the real init zeroes, so
    that every path carries gradient in the comparison)."""
    O, A, L, M, E, Q, K = (cfg[k] for k in ("obs_dim", "action_dim", "latent_dim", "mlp_dim", "enc_dim", "num_q", "num_bins"))
    P = {}

    def normed(name, i, o, members=None):
        lead = () if members is None else (members,)
        P[f"{name}.weight"] = torch.randn(*lead, o, i) * (1.0 / np.sqrt(i))
        P[f"{name}.bias"] = torch.randn(*lead, o) * 0.1
        P[f"{name}.ln_weight"] = 1 + 0.1 * torch.randn(*lead, o)
        P[f"{name}.ln_bias"] = 0.1 * torch.randn(*lead, o)

    def plain(name, i, o, members=None, std=None):
        lead = () if members is None else (members,)
        P[f"{name}.weight"] = torch.randn(*lead, o, i) * (std if std else 1.0 / np.sqrt(i))
        P[f"{name}.bias"] = torch.randn(*lead, o) * 0.1

    dims = [O] + [E] * max(cfg["num_enc_layers"] - 1, 1) + [L]
    for i in range(len(dims) - 1):
        normed(f"encoder.{i}", dims[i], dims[i + 1])
    for name, out in (("dynamics", L), ("reward", K), ("pi", 2 * A)):
        inp = L if name == "pi" else L + A
        normed(f"{name}.0", inp, M)
        normed(f"{name}.1", M, M)
        if name == "dynamics":
            normed(f"{name}.2", M, out)
        else:
            plain(f"{name}.2", M, out)
    normed("qs.0", L + A, M, Q)
    normed("qs.1", M, M, Q)
    plain("qs.2", M, K, Q, std=4.0 / np.sqrt(M))  # spread Q values so the running scale moves
    for n in [n for n in P if n.startswith("qs.")]:
        P["target_" + n] = P[n] + 0.01 * torch.randn_like(P[n])  # a target that differs a little
    return {k: v.float().contiguous() for k, v in P.items()}


def make_batch(cfg):
    H, B, O, A = cfg["horizon"], cfg["batch_size"], cfg["obs_dim"], cfg["action_dim"]
    return {
        "obs": torch.randn(H + 1, B, O),
        "action": torch.rand(H, B, A) * 2 - 1,
        "reward": torch.rand(H, B) * 3,
    }


def main():
    cfg = CFG
    P = init_params(cfg)
    batch = make_batch(cfg)
    out = {f"init.{k}": v for k, v in P.items()}
    out.update({f"batch.{k}": v for k, v in batch.items()})

    draws = rm.Draws(cfg["seed"])
    scale = rm.RunningScale(cfg["tau"])
    model_names = [n for n in P if rm.group_of(n) in ("encoder", "dynamics", "reward", "qs")]
    pi_names = [n for n in P if rm.group_of(n) == "pi"]
    lr = cfg["lr"]
    optim = rm.Adam(model_names, lambda n: lr * cfg["enc_lr_scale"] if n.startswith("encoder") else lr, 1e-8)
    pi_optim = rm.Adam(pi_names, lambda n: lr, 1e-5)
    stats = []
    for k in range(1, 4):
        stats.append(rm.update(P, batch, cfg, draws, scale, optim, pi_optim))
        if k in (1, 3):
            out.update({f"after{k}.{n}": v for n, v in P.items()})
    meta = {"config": json.dumps(cfg), "stats": json.dumps(stats), "offsets": json.dumps(draws.offset),
            "generator": "tools/make-fixtures.py", "torch": torch.__version__}
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "update-golden.safetensors")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    safetensors_io.save(path, {k: v.detach().numpy() for k, v in out.items()}, meta)
    print(json.dumps(stats, indent=1))
    print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
