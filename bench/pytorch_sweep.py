#!/usr/bin/python3
"""The study's sweep in PyTorch, for `npm run bench -- compare`.

Written from ../shared/ARCHITECTURE.md's description of the original code:
conv 1->15 k2 s2, ReLU_a, conv 15->15 k2 s2, ReLU_a, conv 15->1 k2 s1, ReLU_a,
flatten 36, fc 36->10, log_softmax; CrossEntropy + lambda * P(alpha); plain SGD;
alpha clamped into [0, 1] after every step. Same work as an alpha-Workbench
paper sweep: every lambda x runs, 10 epochs over the same training images at
batch 64, alpha recorded after every step, test accuracy after every epoch.
The batching is a tight tensor loop (no DataLoader), i.e. a fast PyTorch
script, not a slow one. One thread per process, one process per core.

Input: a binary file from the bench (uint32 n_train, n_test, then train labels,
train images, test labels, test images, all uint8). Output: one JSON line.
"""
import json
import multiprocessing as mp
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def relu_a(x, a):
    return F.relu(x) - (1 - a) * F.relu(-x)


class Net(nn.Module):
    def __init__(self, alpha_init):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 15, 2, 2)
        self.conv2 = nn.Conv2d(15, 15, 2, 2)
        self.conv3 = nn.Conv2d(15, 1, 2, 1)
        self.fc1 = nn.Linear(36, 10)
        self.alpha = nn.Parameter(torch.tensor(alpha_init, dtype=torch.float32))

    def forward(self, x):
        x = relu_a(self.conv1(x), self.alpha[0])
        x = relu_a(self.conv2(x), self.alpha[1])
        x = relu_a(self.conv3(x), self.alpha[2])
        return F.log_softmax(self.fc1(x.flatten(1)), dim=1)


DATA = {}


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


def train(job):
    lam, seed, penalty, epochs, batch, lr = job
    torch.manual_seed(seed)
    grid = [i * 0.05 for i in range(20)]
    g = torch.Generator().manual_seed(seed)
    alpha_init = [grid[int(torch.randint(20, (1,), generator=g))] for _ in range(3)]
    net = Net(alpha_init)
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0)
    xtr, ytr, xte, yte = DATA["xtr"], DATA["ytr"], DATA["xte"], DATA["yte"]
    n = xtr.shape[0]
    history = []
    acc = 0.0
    for _ in range(epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            out = net(xtr[idx])
            pen = net.alpha.abs().sum() if penalty == "l1" else net.alpha.norm()
            loss = F.nll_loss(out, ytr[idx]) + lam * pen
            opt.zero_grad()
            loss.backward()
            opt.step()
            with torch.no_grad():
                net.alpha.clamp_(0, 1)
            history.append(net.alpha.detach().tolist())
        with torch.no_grad():
            acc = float((net(xte).argmax(1) == yte).float().mean())
    return {"lambda": lam, "seed": seed, "alpha_init": alpha_init, "final_alpha": history[-1], "steps": len(history), "test_accuracy": acc}


def main():
    spec = json.loads(sys.argv[1])
    jobs = [(lam, r, spec["penalty"], spec["epochs"], spec["batchSize"], spec["lr"]) for lam in spec["lambdas"] for r in range(spec["runsPerLambda"])]
    started = time.perf_counter()
    with mp.get_context("fork").Pool(spec["workers"], initializer=init_worker, initargs=(spec["data"],)) as pool:
        results = pool.map(train, jobs, chunksize=1)
    wall = time.perf_counter() - started
    print(json.dumps({"torch": torch.__version__, "wall_seconds": wall, "runs": len(results), "steps": sum(r["steps"] for r in results), "results": results}))


if __name__ == "__main__":
    main()
