#!/usr/bin/python3
"""The study's sweep in PyTorch, three ways, for `npm run bench -- compare`.

The network, from ../shared/ARCHITECTURE.md's description of the original code:
conv 1->15 k2 s2, ReLU_a, conv 15->15 k2 s2, ReLU_a, conv 15->1 k2 s1, ReLU_a,
flatten 36, fc 36->10, log_softmax; cross-entropy + lambda * P(alpha); plain
SGD; alpha clamped into [0, 1] after every step; alpha recorded after every
step; test accuracy after every epoch. Every formulation trains every run of
the sweep (each lambda x each run index; run r's seed orders its batches at
every lambda, as in alpha-Workbench) on the same training images.

Formulations (argv[1] is a JSON job; "formulation" picks one):

  status-quo  the study's script style: a DataLoader over a TensorDataset, one
              run after another, ReLU_a as relu(x) - (1 - a) relu(-x), the test
              set evaluated in one call, the alpha history as Python lists.
  careful     one run at a time as a careful user writes it: batches gathered
              into preallocated tensors (index_select out=), ReLU_a as the
              fused F.prelu with slope 1 - a, grads set to None, evaluation in
              blocks of 1,000 under inference_mode, history into a preallocated
              tensor. No tensor churn, no large evaluation allocations.
  grouped     all runs of a worker's share trained at once in one network of
              grouped convolutions: runs that share a seed share their batches,
              so conv 1 reads one input channel per seed and writes 15 channels
              per run (a wider GEMM), convs 2 and 3 have one group per run, and
              the dense layers are one batched matmul (baddbmm). The summed
              loss gives every run exactly its own gradient. (functorch's vmap
              exists in Debian's torch 1.13 too; grouped convs are the direct
              way to the same batched work and need no functional rewrite.)

Every formulation runs in `workers` processes with torch.set_num_threads(1):
one process per core. (With more threads than cores the processes fight for
the cores; torch's default is one thread per core in every process.)

`epochs` may be fewer than the sweep's: the bench then extrapolates the time
and says so. Input data: a binary file from the bench (uint32 n_train, n_test,
then train labels, train images, test labels, test images, all uint8).
Output: one JSON line.
"""
import json
import multiprocessing as mp
import os
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = {}
EVAL_BLOCK = 1000


def load(path):
    with open(path, "rb") as f:
        n_train, n_test = struct.unpack("<II", f.read(8))
        buf = np.frombuffer(f.read(), dtype=np.uint8)
    o = 0
    ytr = buf[o:o + n_train]; o += n_train
    xtr = buf[o:o + n_train * 784]; o += n_train * 784
    yte = buf[o:o + n_test]; o += n_test
    xte = buf[o:o + n_test * 784]
    to_x = lambda a, n: torch.from_numpy(a.astype(np.float32).reshape(n, 1, 28, 28) / 255.0)
    return to_x(xtr, n_train), torch.from_numpy(ytr.astype(np.int64)), to_x(xte, n_test), torch.from_numpy(yte.astype(np.int64))


def init_worker(path):
    torch.set_num_threads(1)
    DATA["xtr"], DATA["ytr"], DATA["xte"], DATA["yte"] = load(path)


def alpha_init(seed):
    grid = [i * 0.05 for i in range(20)]
    g = torch.Generator().manual_seed(seed)
    return [grid[int(torch.randint(20, (1,), generator=g))] for _ in range(3)], g


def penalty(alpha, kind):
    return alpha.abs().sum(-1) if kind == "l1" else alpha.norm(dim=-1)


# ------------------------------------------------------------- status quo

def relu_a(x, a):
    return F.relu(x) - (1 - a) * F.relu(-x)


class Net(nn.Module):
    def __init__(self, alpha0, act):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 15, 2, 2)
        self.conv2 = nn.Conv2d(15, 15, 2, 2)
        self.conv3 = nn.Conv2d(15, 1, 2, 1)
        self.fc1 = nn.Linear(36, 10)
        self.alpha = nn.Parameter(torch.tensor(alpha0, dtype=torch.float32))
        self.act = act

    def forward(self, x):
        x = self.act(self.conv1(x), self.alpha[0])
        x = self.act(self.conv2(x), self.alpha[1])
        x = self.act(self.conv3(x), self.alpha[2])
        return F.log_softmax(self.fc1(x.flatten(1)), dim=1)


def train_status_quo(job):
    lam, seed, kind, epochs, batch, lr = job
    torch.manual_seed(seed)
    a0, g = alpha_init(seed)
    net = Net(a0, relu_a)
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0)
    ds = torch.utils.data.TensorDataset(DATA["xtr"], DATA["ytr"])
    loader = torch.utils.data.DataLoader(ds, batch_size=batch, shuffle=True, generator=g)
    history, acc = [], 0.0
    for _ in range(epochs):
        for x, y in loader:
            out = net(x)
            loss = F.nll_loss(out, y) + lam * penalty(net.alpha, kind)
            opt.zero_grad()
            loss.backward()
            opt.step()
            with torch.no_grad():
                net.alpha.clamp_(0, 1)
            history.append(net.alpha.detach().tolist())
        with torch.no_grad():
            acc = float((net(DATA["xte"]).argmax(1) == DATA["yte"]).float().mean())
    return {"runs": 1, "steps": len(history), "accuracies": [acc], "final_alpha": [history[-1]]}


# ----------------------------------------------------------------- careful

def prelu_a(x, a):
    return F.prelu(x, (1 - a).reshape(1))


def evaluate(net):
    xte, yte = DATA["xte"], DATA["yte"]
    correct = 0
    with torch.inference_mode():
        for i in range(0, xte.shape[0], EVAL_BLOCK):
            correct += int((net(xte[i:i + EVAL_BLOCK]).argmax(1) == yte[i:i + EVAL_BLOCK]).sum())
    return correct / xte.shape[0]


def train_careful(job):
    lam, seed, kind, epochs, batch, lr = job
    torch.manual_seed(seed)
    a0, g = alpha_init(seed)
    net = Net(a0, prelu_a)
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0)
    xtr, ytr = DATA["xtr"], DATA["ytr"]
    n = xtr.shape[0]
    steps_per_epoch = (n + batch - 1) // batch
    history = torch.empty(epochs * steps_per_epoch, 3)
    xb, yb = torch.empty(batch, 1, 28, 28), torch.empty(batch, dtype=torch.int64)
    k, acc = 0, 0.0
    for _ in range(epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            m = idx.shape[0]
            x, y = xb[:m], yb[:m]
            torch.index_select(xtr, 0, idx, out=x)
            torch.index_select(ytr, 0, idx, out=y)
            loss = F.nll_loss(net(x), y) + lam * penalty(net.alpha, kind)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                net.alpha.clamp_(0, 1)
                history[k].copy_(net.alpha)
            k += 1
        acc = evaluate(net)
    return {"runs": 1, "steps": k, "accuracies": [acc], "final_alpha": [history[k - 1].tolist()]}


# ----------------------------------------------------------------- grouped

class Grouped(nn.Module):
    """S seeds x M lambdas = G runs; run g = s*M + m owns channels [15g, 15g+15) of convs 1-2 and channel g of conv 3."""

    def __init__(self, seeds, M):
        super().__init__()
        S = len(seeds)
        G = S * M
        self.S, self.M, self.G = S, M, G
        self.conv1 = nn.Conv2d(S, 15 * G, 2, 2, groups=S)
        self.conv2 = nn.Conv2d(15 * G, 15 * G, 2, 2, groups=G)
        self.conv3 = nn.Conv2d(15 * G, G, 2, 1, groups=G)
        bound = 1 / 6.0  # nn.Linear(36, 10)'s uniform bound, 1/sqrt(36)
        self.fcw = nn.Parameter(torch.empty(G, 36, 10).uniform_(-bound, bound))
        self.fcb = nn.Parameter(torch.empty(G, 1, 10).uniform_(-bound, bound))
        a0 = [alpha_init(s)[0] for s in seeds for _ in range(M)]
        self.alpha = nn.Parameter(torch.tensor(a0, dtype=torch.float32))

    def forward(self, x, shared_input=False):
        """x [B, S, 28, 28] (one image stream per seed), or [B, 1, 28, 28] for all runs (evaluation)."""
        slope = 1 - self.alpha
        if shared_input:
            x = F.conv2d(x, self.conv1.weight, self.conv1.bias, stride=2)
        else:
            x = self.conv1(x)
        x = F.prelu(x, slope[:, 0].repeat_interleave(15))
        x = F.prelu(self.conv2(x), slope[:, 1].repeat_interleave(15))
        x = F.prelu(self.conv3(x), slope[:, 2])
        x = x.flatten(2).transpose(0, 1)  # [G, B, 36]
        return torch.baddbmm(self.fcb, x, self.fcw)  # [G, B, 10] logits


def train_grouped(job):
    seeds, lams, kind, epochs, batch, lr = job
    torch.manual_seed(seeds[0])
    M = len(lams)
    net = Grouped(seeds, M)
    G = net.G
    lam = torch.tensor(lams * len(seeds), dtype=torch.float32)
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0)
    xtr, ytr = DATA["xtr"], DATA["ytr"]
    n = xtr.shape[0]
    gens = [alpha_init(s)[1] for s in seeds]
    flat = xtr.reshape(n, 784)
    steps_per_epoch = (n + batch - 1) // batch
    history = torch.empty(epochs * steps_per_epoch, G, 3)
    xb = torch.empty(len(seeds), batch, 784)
    yb = torch.empty(len(seeds), batch, dtype=torch.int64)
    k = 0
    for _ in range(epochs):
        perms = [torch.randperm(n, generator=g) for g in gens]
        for i in range(0, n, batch):
            m = min(batch, n - i)
            for s, p in enumerate(perms):
                torch.index_select(flat, 0, p[i:i + m], out=xb[s, :m])
                torch.index_select(ytr, 0, p[i:i + m], out=yb[s, :m])
            x = xb[:, :m].transpose(0, 1).reshape(m, len(seeds), 28, 28)
            y = yb[:, :m].repeat_interleave(M, dim=0).reshape(-1)  # [G*m], run g's labels are its seed's
            logits = net(x).reshape(G * m, 10)
            ce = F.cross_entropy(logits, y, reduction="sum") / m  # = sum over runs of each run's mean CE
            loss = ce + (lam * penalty(net.alpha, kind)).sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                net.alpha.clamp_(0, 1)
                history[k].copy_(net.alpha)
            k += 1
        correct = torch.zeros(G, dtype=torch.int64)
        xte, yte = DATA["xte"], DATA["yte"]
        with torch.inference_mode():
            for i in range(0, xte.shape[0], EVAL_BLOCK):
                pred = net(xte[i:i + EVAL_BLOCK], shared_input=True).argmax(2)  # [G, b]
                correct += (pred == yte[i:i + EVAL_BLOCK]).sum(1)
        accs = (correct.double() / xte.shape[0]).tolist()
    return {"runs": G, "steps": k * G, "accuracies": accs, "final_alpha": history[k - 1].tolist()}


# -------------------------------------------------------------------- main

def main():
    spec = json.loads(sys.argv[1])
    form = spec["formulation"]
    lams, R, workers = spec["lambdas"], spec["runsPerLambda"], spec["workers"]
    common = (spec["penalty"], spec["epochs"], spec["batchSize"], spec["lr"])
    if form == "grouped":
        shares = [[r for r in range(R) if r % workers == w] for w in range(workers)]
        jobs = [(share, lams) + common for share in shares if share]
        fn = train_grouped
    else:
        jobs = [(lam, r) + common for r in range(R) for lam in lams]
        fn = train_careful if form == "careful" else train_status_quo
    started = time.perf_counter()
    with mp.get_context("fork").Pool(min(workers, len(jobs)), initializer=init_worker, initargs=(spec["data"],)) as pool:
        results = pool.map(fn, jobs, chunksize=1)
    wall = time.perf_counter() - started
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    accs = [a for r in results for a in r["accuracies"]]
    print(json.dumps({
        "torch": torch.__version__,
        "formulation": form,
        "wall_seconds": wall,
        "user_seconds": ru.ru_utime,
        "system_seconds": ru.ru_stime,
        "runs": sum(r["runs"] for r in results),
        "steps": sum(r["steps"] for r in results),
        "epochs": spec["epochs"],
        "mean_test_accuracy": sum(accs) / len(accs),
    }))


if __name__ == "__main__":
    main()
