// A background job that runs shortly after being poked and otherwise on a fixed interval, never
// overlapping itself. Used by the audit sealer and the outbox dispatcher.
export class BackgroundLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly options: { intervalMs: number; pokeDelayMs?: number; onError?: (error: unknown) => void },
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs the job soon (unless it is running already; it then reschedules itself). */
  poke(): void {
    if (!this.stopped && !this.running) this.schedule(this.options.pokeDelayMs ?? 5);
  }

  /** Resolves when a run in progress, if any, has finished. */
  async idle(): Promise<void> {
    await this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.work()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.options.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}
