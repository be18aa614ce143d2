import { createConnection, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../errors.js';

/** True when something accepts TCP connections on host:port. */
export function isListening(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Throws a clear error when a port we are about to use is taken. */
export async function assertPortFree(
  host: string,
  port: number,
  what: string,
  envName: string,
): Promise<void> {
  if (await isListening(host, port)) {
    throw new UserError(
      `stack: port ${port} on ${host} (${what}) is already in use by another process: stop it or set ${envName}`,
    );
  }
}

/** A port the OS says is free right now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Waits until host:port accepts connections, or throws after timeoutMs. */
export async function waitForPort(
  host: string,
  port: number,
  timeoutMs: number,
  what: string,
  logHint: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isListening(host, port, 500)) return;
    await sleep(200);
  }
  throw new UserError(
    `stack: ${what} did not start listening on ${host}:${port} within ${timeoutMs / 1000} s: see ${logHint}`,
  );
}
