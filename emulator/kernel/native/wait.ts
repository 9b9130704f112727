// Wait queues: where a task sleeps until something happens (data in a pipe, a child's exit). The
// queue knows nothing of tasks: a sleeper registers a wake-up function, and an event calls them
// all, in the order they came, so the scheduler's run queue -- and every run -- stays the same.

export class WaitQueue {
  private waiters: (() => void)[] = [];

  add(wake: () => void): void {
    this.waiters.push(wake);
  }

  remove(wake: () => void): void {
    this.waiters = this.waiters.filter((w) => w !== wake);
  }

  get size(): number {
    return this.waiters.length;
  }

  /** Wakes every sleeper (they re-check their condition, as after Linux's wake_up_interruptible_all). */
  wakeAll(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/**
 * Puts the running task to sleep on a queue: the service that calls it then answers WOULD_SLEEP
 * (abi.ts), and the kernel's machine code calls schedule(). Set by the process layer.
 */
export type Sleeper = (q: WaitQueue) => void;
