/**
 * A one-shot wake-up that any number of waiters share: `wait()` hands out the same promise until
 * `fire()` resolves it. No closure or promise is made per waiter, and firing with no waiter is free.
 */
export class Signal {
  private promise: Promise<void> | null = null;
  private resolve: (() => void) | null = null;

  wait(): Promise<void> {
    if (this.promise === null) {
      this.promise = new Promise<void>((resolve) => {
        this.resolve = resolve;
      });
    }
    return this.promise;
  }

  fire(): void {
    const resolve = this.resolve;
    if (resolve === null) return;
    this.promise = null;
    this.resolve = null;
    resolve();
  }
}
