import { readdirSync, readFileSync } from 'node:fs';
import { CLI } from '../cli/run-cli.js';

/**
 * `imagelake` processes still running against this test run's Temporal server: started by a test
 * that did not stop them (a test that timed out never reaches its `finally`). Found by their
 * command line and their TEMPORAL_ADDRESS, so nothing else on the machine is touched.
 */
export function leftoverCliProcesses(temporalAddress: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!argv.includes(CLI)) continue;
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.includes(`TEMPORAL_ADDRESS=${temporalAddress}`)) found.push(Number(entry));
    } catch (error) {
      // A process that ended while we looked has nothing left to stop.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return found;
}

/** Kills the leftovers and says so: a leak is a test's bug, to be seen, not a machine's load. */
export function killLeftoverCliProcesses(temporalAddress: string): void {
  const pids = leftoverCliProcesses(temporalAddress);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      // Ended since we looked: nothing left to stop.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  if (pids.length > 0)
    console.warn(
      `test teardown: killed ${pids.length} imagelake process(es) a test left running: ${pids.join(', ')}`,
    );
}
