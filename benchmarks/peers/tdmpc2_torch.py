"""TD-MPC2's MPPI planner in PyTorch, written from SPEC §3–§8 for the planner benchmark's peer.

Vectorised like the official code (tdmpc2.py `_plan`): every network runs on all samples at once,
the Q ensemble is one batched matmul over stacked weights (all num_q members, then a random pair
is picked, as the official code does), no Python loop over samples. It also plans B environments
per call (rows B·N, per-env top-k, mean and std), so it can be timed at the same batch sizes as
the native planner. Single task, state observations, eval mode (no dropout).

With --device cuda every tensor lives on the GPU (torch.set_default_device), eager PyTorch as in
the official code without its optional compile/CUDA-graph path, and each timed call ends with
torch.cuda.synchronize() (the returned actions are complete when the time is taken).

    /usr/bin/python3 benchmarks/peers/tdmpc2_torch.py --size 5 --batch 1 --repeats 5 --threads 1

prints one JSON line: {"torch": version, "threads": n, "ms": [..], "median_ms": m, ...}. With
--serve it sets up, warms up, prints {"ready": true, ...} and then times one plan call per "plan"
line read from stdin, answering {"ms": x} (so a benchmark can interleave its own calls with the
peer's under the same machine load); "quit" or EOF ends it.
"""
import sys
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F

SIZES = {  # SPEC §2 model-size table
    1: dict(enc_dim=256, mlp_dim=384, latent_dim=128, num_enc_layers=2, num_q=2),
    5: dict(enc_dim=256, mlp_dim=512, latent_dim=512, num_enc_layers=2, num_q=5),
    19: dict(enc_dim=1024, mlp_dim=1024, latent_dim=768, num_enc_layers=3, num_q=5),
}


def linear_params(n_in, n_out, ln, members=None, zero=False):
    lead = () if members is None else (members,)
    w = torch.zeros(*lead, n_out, n_in) if zero else torch.randn(*lead, n_out, n_in) * 0.02
    p = {"w": w, "b": torch.zeros(*lead, n_out)}
    if ln:
        p["g"] = torch.ones(*lead, n_out)
        p["beta"] = torch.zeros(*lead, n_out)
    return p


def mlp_params(n_in, hidden, n_out, out_ln, members=None, zero_out=False):
    dims = [n_in] + hidden + [n_out]
    layers = []
    for i in range(len(dims) - 1):
        last = i == len(dims) - 2
        layers.append(linear_params(dims[i], dims[i + 1], (not last) or out_ln, members, last and zero_out))
    return layers


def simnorm(x, v):
    shp = x.shape
    return F.softmax(x.view(*shp[:-1], -1, v), dim=-1).view(*shp)


def mlp(layers, x, out_act, v=8):
    """x [R, in] -> [R, out]; hidden NormedLinear+Mish, output plain / LayerNorm+SimNorm."""
    for i, p in enumerate(layers):
        x = F.linear(x, p["w"], p["b"])
        last = i == len(layers) - 1
        if "g" in p:
            x = F.layer_norm(x, (x.shape[-1],), p["g"], p["beta"], 1e-5)
            x = simnorm(x, v) if last and out_act == "simnorm" else (x if last else F.mish(x))
    return x


def ensemble(layers, x):
    """All members at once: x [R, in] shared -> [Q, R, out] by batched matmuls over stacked weights."""
    h = x.unsqueeze(0).expand(layers[0]["w"].shape[0], -1, -1)
    for i, p in enumerate(layers):
        h = torch.baddbmm(p["b"].unsqueeze(1), h, p["w"].transpose(1, 2))
        if "g" in p:
            h = F.layer_norm(h, (h.shape[-1],), None, None, 1e-5) * p["g"].unsqueeze(1) + p["beta"].unsqueeze(1)
            h = F.mish(h) if i < len(layers) - 1 else h
    return h


def two_hot_inv(logits, vmin=-10.0, vmax=10.0):
    k = logits.shape[-1]
    centres = torch.linspace(vmin, vmax, k)
    s = (F.softmax(logits, dim=-1) * centres).sum(-1, keepdim=True)
    return torch.sign(s) * (torch.exp(s.abs()) - 1)


class Planner:
    def __init__(self, obs_dim, action_dim, size, batch, num_bins=101):
        a = SIZES[size]
        L, M, E = a["latent_dim"], a["mlp_dim"], a["enc_dim"]
        self.A, self.L, self.Q, self.B = action_dim, L, a["num_q"], batch
        self.H, self.J, self.N, self.P, self.Ke = 3, 6 + 2 * int(action_dim >= 20), 512, 24, 64
        self.min_std, self.max_std, self.temp = 0.05, 2.0, 0.5
        self.gamma = 0.99
        self.enc = mlp_params(obs_dim, [E] * max(a["num_enc_layers"] - 1, 1), L, True)
        self.dyn = mlp_params(L + action_dim, [M, M], L, True)
        self.rew = mlp_params(L + action_dim, [M, M], num_bins, False)
        self.pi = mlp_params(L, [M, M], 2 * action_dim, False)
        self.qs = mlp_params(L + action_dim, [M, M], num_bins, False, members=self.Q)
        # Non-zero heads so that values differ between samples (as after some training).
        for p in (self.rew[-1], self.qs[-1]):
            p["w"].normal_(0, 0.02)
        self.prev_mean = torch.zeros(batch, self.H, action_dim)

    def policy(self, z):
        mu, log_std = mlp(self.pi, z, None).chunk(2, dim=-1)
        log_std = -10 + 0.5 * (2 - (-10)) * (torch.tanh(log_std) + 1)
        return torch.tanh(mu + torch.randn_like(mu) * log_std.exp())

    def next(self, z, a):
        return mlp(self.dyn, torch.cat([z, a], -1), "simnorm")

    def q_avg(self, z, a, rows_per_env):
        q = two_hot_inv(ensemble(self.qs, torch.cat([z, a], -1)))  # [Q, R, 1]
        q = q.view(self.Q, self.B, rows_per_env)
        idx = torch.rand(self.B, self.Q).argsort(1)[:, :2].T  # [2, B]: a random pair per env
        pair = torch.gather(q, 0, idx.unsqueeze(-1).expand(2, self.B, rows_per_env))
        return (pair.sum(0) / 2).reshape(-1, 1)

    @torch.no_grad()
    def plan(self, obs, t0, eval_mode=False):
        B, H, N, P, A, L, Ke = self.B, self.H, self.N, self.P, self.A, self.L, self.Ke
        z = mlp(self.enc, obs, "simnorm")  # [B, L]
        pi_actions = torch.empty(H, B, P, A)
        _z = z.repeat_interleave(P, 0)
        for t in range(H - 1):
            pi_actions[t] = self.policy(_z).view(B, P, A)
            _z = self.next(_z, pi_actions[t].reshape(-1, A))
        pi_actions[-1] = self.policy(_z).view(B, P, A)

        z = z.repeat_interleave(N, 0)  # [B·N, L]
        mean = torch.zeros(B, H, A)
        std = torch.full((B, H, A), self.max_std)
        keep = ~t0
        mean[keep, :-1] = self.prev_mean[keep, 1:]
        actions = torch.empty(H, B, N, A)
        actions[:, :, :P] = pi_actions
        for _ in range(self.J):
            r = torch.randn(H, B, N - P, A)
            actions[:, :, P:] = (mean.transpose(0, 1).unsqueeze(2) + std.transpose(0, 1).unsqueeze(2) * r).clamp(-1, 1)
            # _estimate_value
            G, discount, _z = 0, 1, z
            for t in range(H):
                a_t = actions[t].reshape(-1, A)
                G = G + discount * two_hot_inv(mlp(self.rew, torch.cat([_z, a_t], -1), None))
                _z = self.next(_z, a_t)
                discount = discount * self.gamma
            value = G + discount * self.q_avg(_z, self.policy(_z), N)
            value = value.nan_to_num(0).view(B, N)
            elite_value, elite_idxs = torch.topk(value, Ke, dim=1)  # [B, Ke]
            elite_actions = torch.gather(actions, 2, elite_idxs.view(1, B, Ke, 1).expand(H, B, Ke, A))
            max_value = elite_value.max(1, keepdim=True).values
            score = torch.exp(self.temp * (elite_value - max_value))
            score = score / score.sum(1, keepdim=True)  # [B, Ke]
            w = score.view(1, B, Ke, 1)
            m = (w * elite_actions).sum(2) / (score.sum(1).view(1, B, 1) + 1e-9)  # [H, B, A]
            s = ((w * (elite_actions - m.unsqueeze(2)) ** 2).sum(2) / (score.sum(1).view(1, B, 1) + 1e-9)).sqrt()
            mean = m.transpose(0, 1)
            std = s.transpose(0, 1).clamp(self.min_std, self.max_std)
        k = torch.multinomial(score, 1).squeeze(1)  # [B]
        a = elite_actions[0, torch.arange(B), k]  # [B, A]
        if not eval_mode:
            a = a + std[:, 0] * torch.randn(B, A)
        self.prev_mean = mean
        return a.clamp(-1, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=5)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--obs-dim", type=int, default=5)
    ap.add_argument("--action-dim", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--serve", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    cuda = args.device != "cpu"
    if cuda:
        torch.set_default_device(args.device)
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    planner = Planner(args.obs_dim, args.action_dim, args.size, args.batch)
    obs = torch.randn(args.batch, args.obs_dim)
    first = torch.ones(args.batch, dtype=torch.bool)
    for _ in range(args.warmup):
        planner.plan(obs, first)
    not_first = torch.zeros(args.batch, dtype=torch.bool)
    sync()
    info = {"torch": torch.__version__, "threads": torch.get_num_threads(), "size": args.size,
            "batch": args.batch, "q_heads": planner.Q, "device": args.device,
            "gpu": torch.cuda.get_device_name() if cuda else None}
    if args.serve:
        print(json.dumps({"ready": True, **info}), flush=True)
        for line in sys.stdin:
            if line.strip() != "plan":
                break
            t0 = time.perf_counter()
            a = planner.plan(obs, not_first)
            sync()
            ms = (time.perf_counter() - t0) * 1e3
            assert a.shape == (args.batch, args.action_dim) and bool(torch.isfinite(a).all())
            print(json.dumps({"ms": ms}), flush=True)
        return
    ms = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        a = planner.plan(obs, not_first)
        sync()
        ms.append((time.perf_counter() - t0) * 1e3)
        assert a.shape == (args.batch, args.action_dim) and bool(torch.isfinite(a).all())
    print(json.dumps({**info, "ms": ms, "median_ms": sorted(ms)[len(ms) // 2]}))


if __name__ == "__main__":
    main()
