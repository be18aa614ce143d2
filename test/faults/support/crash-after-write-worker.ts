// A real imagelake worker whose lake kills the process (SIGKILL) right after the first write of a
// key matching CRASH_AFTER_WRITE succeeds: the object is in the lake, the activity never reports.
import { hostname } from 'node:os';
import { closeActivityDeps, createActivityDeps } from '../../../activities/index.js';
import { loadConfig } from '../../../lib/config.js';
import type { Lake } from '../../../lib/lake/lake.js';
import { createWorker } from '../../../lib/temporal/worker.js';

const pattern = new RegExp(process.env.CRASH_AFTER_WRITE ?? '(?!)');

function crashingLake(lake: Lake): Lake {
  const after = async <T>(key: string, write: Promise<T>): Promise<T> => {
    const result = await write;
    if (pattern.test(key)) {
      console.log(`crash-after-write: ${key} written, killing the worker`);
      process.kill(process.pid, 'SIGKILL');
    }
    return result;
  };
  return new Proxy(lake, {
    get(target, prop, receiver) {
      if (prop === 'put' || prop === 'putIfAbsent' || prop === 'writeStream') {
        const write = (target[prop] as (...args: unknown[]) => Promise<unknown>).bind(target);
        return (key: string, ...rest: unknown[]) => after(key, write(key, ...rest));
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const config = loadConfig();
const deps = createActivityDeps(config);
const open = deps.lakes.open.bind(deps.lakes);
deps.lakes.open = (uri: string) => crashingLake(open(uri));
const { worker, connection } = await createWorker({
  address: config.temporalAddress ?? `127.0.0.1:${config.temporalPort}`,
  namespace: config.namespace,
  taskQueue: config.taskQueue,
  deps,
  identity: `${process.pid}@${hostname()}`,
});
try {
  await worker.run();
} finally {
  await connection.close();
  await closeActivityDeps(deps);
}
