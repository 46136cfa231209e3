// Group commit: concurrent requests that each need a small transaction are gathered and served by
// one transaction for the lot — one BEGIN, one COMMIT (one WAL flush), one statement for all their
// audit entries — instead of one of each per request. A request waits only while earlier batches
// occupy every slot, so under light load a batch is a single request and adds no delay.
//
// `run` returns one outcome per item, in order. If the whole batch fails (a deadlock, a lost
// connection, a bug tripped by one item), each of its items is run again alone, so one bad item
// cannot take its neighbours down with it.

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Most items in one batch. */
  maxBatch: number;
  /** Most batches in flight at once (each holds one database connection). */
  maxConcurrent: number;
}

export class GroupCommit<I, O> {
  private readonly queue: Array<Waiting<I, O>> = [];
  private running = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<Array<Settled<O>>>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.running < this.options.maxConcurrent && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.running += 1;
      void this.execute(batch).finally(() => {
        this.running -= 1;
        this.drain();
      });
    }
  }

  private async execute(batch: Array<Waiting<I, O>>): Promise<void> {
    let outcomes: Array<Settled<O>>;
    try {
      outcomes = await this.run(batch.map((w) => w.item));
      if (outcomes.length !== batch.length) throw new Error(`group commit: ${outcomes.length} outcomes for ${batch.length} items`);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      await Promise.all(batch.map((waiting) => this.execute([waiting])));
      return;
    }
    outcomes.forEach((outcome, i) => (outcome.ok ? batch[i]!.resolve(outcome.value) : batch[i]!.reject(outcome.error)));
  }
}
