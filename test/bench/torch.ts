import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../lib/config.js';

export const run = promisify(execFile);

/**
 * The python of a venv in the cache with PyTorch from PyPI (never a project dependency), made on
 * first use. PyPI serves the CUDA build (several GB): it runs on the CPU all the same.
 */
export async function torchPython(): Promise<string> {
  const venv = join(loadConfig().cacheDir, 'bench-venv');
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python)) await run('python3', ['-m', 'venv', venv], { timeout: 120_000 });
  const probe = await run(python, ['-c', 'import torch'], { timeout: 120_000 }).then(
    () => true,
    () => false,
  );
  if (!probe)
    await run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', 'torch'], {
      timeout: 1_800_000,
      maxBuffer: 64 * 2 ** 20,
    });
  return python;
}

/** Runs a script with one JSON argument and parses the JSON of its last line. */
export async function runTorch<T>(python: string, script: string, args: object): Promise<T> {
  const { stdout } = await run(python, ['-c', script, JSON.stringify(args)], {
    timeout: 1_800_000,
    maxBuffer: 64 * 2 ** 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
}

/** Why PyTorch could not run, in one line. */
export function torchFailure(error: unknown): string {
  const e = error as { stderr?: string; message: string };
  return `PyTorch could not be installed or run: ${(e.stderr || e.message).trim().split('\n').at(-1)}`;
}

/**
 * The mlp of imagelake in PyTorch, read from the script's JSON argument `a`: an IDX reader, the
 * network (784-500-100-10, ReLU, Xavier-uniform weights, zero biases), SGD with Nesterov momentum
 * and the L2 term on the weights only (DL4J's convention, as ours), and the loss.
 */
export const TORCH_MLP = String.raw`
import gzip, json, struct, sys, time
import torch
from torch import nn
def idx(path):
    raw = open(path, 'rb').read()
    if raw[:2] == b'\x1f\x8b': raw = gzip.decompress(raw)
    dims = struct.unpack('>' + 'I' * raw[3], raw[4:4 + 4 * raw[3]])
    return torch.frombuffer(bytearray(raw[4 + 4 * raw[3]:]), dtype=torch.uint8).reshape(dims)
a = json.loads(sys.argv[1])
if a.get('threads'): torch.set_num_threads(a['threads'])
torch.manual_seed(a['seed'])
net = nn.Sequential(nn.Linear(784, 500), nn.ReLU(), nn.Linear(500, 100), nn.ReLU(), nn.Linear(100, 10))
linear = [m for m in net if isinstance(m, nn.Linear)]
for m in linear: nn.init.xavier_uniform_(m.weight); nn.init.zeros_(m.bias)
opt = torch.optim.SGD([{'params': [m.weight for m in linear], 'weight_decay': a['l2']}, {'params': [m.bias for m in linear]}],
                      lr=a['lr'], momentum=a['momentum'], nesterov=True)
loss_fn = nn.CrossEntropyLoss()
def step(xb, yb):
    opt.zero_grad(set_to_none=True)
    loss_fn(net(xb), yb).backward()
    opt.step()
`;
