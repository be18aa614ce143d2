import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import type { Workflow, WorkflowResultType } from '@temporalio/common';
import { errorMessage } from '../errors.js';
import { isCommandTaskQueue, type InProcessWorkers } from './in-process-workers.js';
import { assertInputFits } from './input-size.js';
import { InterruptedError, STOP_SIGNALS, type StopSignal } from './stop-signals.js';
import { stopWorkflows, terminateWorkflows } from './stop-workflows.js';

/** A workflow's start options without the task queue: the session chooses it. */
export type SessionStartOptions<T extends Workflow> = Omit<WorkflowStartOptions<T>, 'taskQueue'>;

/** Asked on SIGINT (SIGTERM always cancels): cancel the command's workflows, or leave them running. */
export type InterruptChoice = (workflowIds: readonly string[]) => Promise<'cancel' | 'detach'>;

/** What a command does with Temporal: every workflow it starts or follows is stopped with it. */
export interface TemporalSession {
  readonly client: Client;
  /** True when this process runs the worker of the command's task queue (the embedded default). */
  readonly inProcessWorker: boolean;
  readonly address: string;
  /** Where the command's workflows run: its own queue with an in-process worker, else the configured one. */
  readonly taskQueue: string;
  /** Aborted on the first SIGINT or SIGTERM: a command's own loops stop taking new work. */
  readonly interrupted: AbortSignal;
  start<T extends Workflow>(workflow: T, options: SessionStartOptions<T>): Promise<WorkflowHandle<T>>;
  /** The workflow's result; once interrupted, the command's InterruptedError instead. */
  result<T extends Workflow>(handle: WorkflowHandle<T>): Promise<WorkflowResultType<T>>;
  execute<T extends Workflow>(workflow: T, options: SessionStartOptions<T>): Promise<WorkflowResultType<T>>;
  /** A workflow started earlier (a resumed run), followed and stopped like one started here. */
  follow<T extends Workflow>(workflowId: string): Promise<WorkflowHandle<T>>;
}

/**
 * How long an interrupted command waits for its workflows to close after asking them to cancel:
 * activities hear of it at their next heartbeat, then each stage cleans up.
 */
const CANCEL_GRACE_MS = 10_000;

export interface CommandSessionOptions {
  readonly client: Client;
  readonly address: string;
  readonly taskQueue: string;
  /** IMAGELAKE_TASK_QUEUE: the base of every command's own queue. */
  readonly baseTaskQueue: string;
  readonly workers: InProcessWorkers | undefined;
  readonly onInterrupt?: InterruptChoice;
}

export class CommandSession implements TemporalSession {
  readonly client: Client;
  readonly address: string;
  readonly taskQueue: string;
  private readonly handles: WorkflowHandle[] = [];
  private readonly starting = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  private rejectStopped: (error: InterruptedError) => void = () => undefined;
  /** Rejects with the command's InterruptedError once its workflows are stopped. */
  readonly stopped = new Promise<never>((_, reject) => (this.rejectStopped = reject));

  constructor(private readonly options: CommandSessionOptions) {
    this.client = options.client;
    this.address = options.address;
    this.taskQueue = options.taskQueue;
    this.stopped.catch(() => undefined); // whoever needs it awaits it; nobody may be left to
  }

  get inProcessWorker(): boolean {
    return this.options.workers !== undefined;
  }

  get interrupted(): AbortSignal {
    return this.abort.signal;
  }

  async start<T extends Workflow>(workflow: T, options: SessionStartOptions<T>): Promise<WorkflowHandle<T>> {
    if (this.interrupted.aborted) await this.stopped;
    assertInputFits(typeof workflow === 'string' ? workflow : workflow.name, options.args);
    const starting = this.client.workflow.start(workflow, {
      ...options,
      taskQueue: this.taskQueue,
    } as WorkflowStartOptions<T>);
    this.starting.add(starting);
    try {
      const handle = await starting;
      this.handles.push(handle);
      // An existing run may be returned instead of a new one (a label file imported before).
      if (options.workflowIdConflictPolicy === 'USE_EXISTING') await this.serveQueueOf(handle);
      return handle;
    } finally {
      this.starting.delete(starting);
    }
  }

  async result<T extends Workflow>(handle: WorkflowHandle<T>): Promise<WorkflowResultType<T>> {
    try {
      const closed = handle.result().finally(() => this.forget(handle));
      return await Promise.race([closed, this.stopped]);
    } finally {
      // A result that came in while the command was being stopped still ends in its interruption.
      if (this.interrupted.aborted) await this.stopped;
    }
  }

  async execute<T extends Workflow>(
    workflow: T,
    options: SessionStartOptions<T>,
  ): Promise<WorkflowResultType<T>> {
    return this.result(await this.start(workflow, options));
  }

  async follow<T extends Workflow>(workflowId: string): Promise<WorkflowHandle<T>> {
    const handle = this.client.workflow.getHandle<T>(workflowId);
    await this.serveQueueOf(handle);
    this.handles.push(handle);
    return handle;
  }

  /**
   * A running workflow of this command that sits on another task queue (a run it resumes) gets a
   * worker here when that queue was a killed command's own: nobody else would run it. The shared
   * queue is left to the workers that poll it.
   */
  private async serveQueueOf(handle: WorkflowHandle): Promise<void> {
    const { workers, baseTaskQueue } = this.options;
    if (!workers) return;
    const { status, taskQueue } = await handle.describe();
    if (status.name !== 'RUNNING' || taskQueue === this.taskQueue) return;
    if (isCommandTaskQueue(taskQueue, baseTaskQueue)) await workers.serve(taskQueue);
    else
      process.stderr.write(
        `${handle.workflowId} runs on task queue "${taskQueue}": it goes on when a worker polls it (imagelake worker --task-queue ${taskQueue})\n`,
      );
  }

  /** A workflow that closed has nothing left to stop. */
  private forget(handle: WorkflowHandle): void {
    const at = this.handles.indexOf(handle);
    if (at >= 0) this.handles.splice(at, 1);
  }

  /** The first SIGINT or SIGTERM: cancels (or, if so chosen, leaves) the command's workflows. */
  async stop(signal: StopSignal): Promise<void> {
    this.abort.abort(signal);
    let line: string;
    try {
      line = await this.stopWorkflows(signal);
    } catch (error) {
      line = `stopping its workflows failed: ${errorMessage(error)}`;
    }
    this.rejectStopped(new InterruptedError(signal, `interrupted by ${signal}${line}`));
  }

  private async stopWorkflows(signal: StopSignal): Promise<string> {
    await Promise.allSettled(this.starting);
    const handles = [...this.handles];
    const ids = handles.map((h) => h.workflowId);
    if (ids.length === 0) return '';
    const choice =
      signal === 'SIGINT' && this.options.onInterrupt ? await this.options.onInterrupt(ids) : 'cancel';
    if (choice === 'detach') return `: ${ids.join(', ')} detached: ${this.resumeHint()}`;
    process.stderr.write(`cancelling ${ids.join(', ')} (interrupt again to stop at once)\n`);
    const outcomes = await stopWorkflows(handles, {
      graceMs: CANCEL_GRACE_MS,
      terminate: this.inProcessWorker,
    });
    const said = [...outcomes].map(([id, outcome]) => `${id} ${outcome}`).join(', ');
    return `: ${said}; committed work stays, nothing is half-committed`;
  }

  /** A second signal while stopping: the command's own workflows are terminated and it exits now. */
  async stopNow(signal: StopSignal): Promise<never> {
    const ids = this.handles.map((h) => h.workflowId).join(', ');
    if (this.inProcessWorker) await terminateWorkflows(this.handles);
    const what = ids === '' ? '' : this.inProcessWorker ? `: ${ids} terminated` : `: ${ids} cancel requested`;
    process.stderr.write(`imagelake: interrupted by ${signal} again${what}\n`);
    process.exit(STOP_SIGNALS[signal]);
  }

  private resumeHint(): string {
    return this.inProcessWorker
      ? `it resumes when a worker polls task queue "${this.taskQueue}" (imagelake worker --task-queue ${this.taskQueue}); follow it in the Temporal Web UI`
      : `it goes on on the workers of task queue "${this.taskQueue}"; follow it in the Temporal Web UI`;
  }
}
