#!/usr/bin/python3
"""The peer of `tdmpc2 bench update`: milliseconds per update of the official PyTorch agent on the
CPU (the last eager version, commit a7890b6, which runs on Debian's torch 1.13; HEAD needs torch 2.x
compile/cudagraphs), at one thread, on the same shapes (cartpole-swingup: obs 5, action 1),
batch 256, model sizes 1 and 5, median of the repeats after 2 warm-ups.

    git -C <official repo> archive a7890b6 tdmpc2 | tar -x -C /tmp/official
    /usr/bin/python3 benchmarks/peers/official_update.py /tmp/official/tdmpc2 [--sizes 1,5] [--repeats 5]

Prints one JSON line per size. The official code hard-codes CUDA devices; they are mapped to the
CPU here (torch.device('cuda') → cpu), and torch 1.13's functorch.vmap stands in for torch.vmap;
the algorithm is untouched.
"""
import argparse
import json
import os
import sys
import time
from types import SimpleNamespace

# One thread for OpenBLAS too (Debian's torch calls it; torch.set_num_threads does not reach it, and
# a 2-thread GEMM on this shared machine is several times slower than one thread).
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import torch  # noqa: E402

SIZES = {1: (256, 384, 128, 2, 2), 5: (256, 512, 512, 2, 5)}  # enc_dim, mlp_dim, latent_dim, num_enc_layers, num_q


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("official", help="the official tdmpc2/ source directory at commit a7890b6")
    ap.add_argument("--sizes", default="1,5")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(1)
    sys.path.insert(0, os.path.abspath(args.official))

    # The official agent asks for torch.device('cuda'); run it on the CPU.
    real_device = torch.device

    class CpuDevice:
        def __new__(cls, *a, **k):
            return real_device("cpu")

    torch.device = CpuDevice
    if not hasattr(torch, "vmap"):  # torch 1.13: vmap lives in functorch
        import functorch

        torch.vmap = functorch.vmap
    from tdmpc2 import TDMPC2  # noqa: E402

    for size in map(int, args.sizes.split(",")):
        enc_dim, mlp_dim, latent_dim, num_enc_layers, num_q = SIZES[size]
        O, A, H, B = 5, 1, 3, args.batch
        cfg = SimpleNamespace(
            obs="state", obs_shape={"state": (O,)}, action_dim=A, episode_length=500, multitask=False, tasks=[], task_dim=0,
            lr=3e-4, enc_lr_scale=0.3, batch_size=B, horizon=H, rho=0.5, grad_clip_norm=20, tau=0.01,
            consistency_coef=20, reward_coef=0.1, value_coef=0.1, entropy_coef=1e-4, log_std_min=-10, log_std_max=2,
            num_bins=101, vmin=-10, vmax=10, bin_size=0.2, discount_denom=5, discount_min=0.95, discount_max=0.995,
            mpc=True, iterations=6, num_samples=512, num_elites=64, num_pi_trajs=24, min_std=0.05, max_std=2, temperature=0.5,
            enc_dim=enc_dim, mlp_dim=mlp_dim, latent_dim=latent_dim, num_enc_layers=num_enc_layers, num_q=num_q,
            dropout=0.01, simnorm_dim=8, num_channels=32, action_dims=[A], episode_lengths=[500],
        )
        agent = TDMPC2(cfg)
        g = torch.Generator().manual_seed(0)
        batch = (torch.randn(H + 1, B, O, generator=g), torch.rand(H, B, A, generator=g) * 2 - 1, torch.rand(H, B, 1, generator=g), None)
        buffer = SimpleNamespace(sample=lambda: batch)
        agent.update(buffer)
        agent.update(buffer)
        times = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            agent.update(buffer)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        params = sum(p.numel() for n, p in agent.model.named_parameters() if "_target" not in n)
        print(json.dumps({"peer": "official a7890b6, torch " + torch.__version__, "size": size, "batch": B, "threads": 1,
                          "parameters": params, "msMedian": times[len(times) // 2]}))


if __name__ == "__main__":
    main()
