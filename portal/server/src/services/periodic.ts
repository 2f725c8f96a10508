/**
 * A task run again and again, one run at a time, until stopped: the sweeps every portal process runs
 * (health alerts, expiry, drift checks, upgrade rollouts). A failed run is logged and the next one comes as
 * planned; stopping waits for the run in progress, so a shutdown never cuts one in half.
 */
import type { Logger } from "pino";

export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly logger: Logger,
    /** Logged with the error when a run fails. */
    private readonly failure: string,
  ) {}

  /**
   * Runs every `everyMs` (counted from the end of the previous run). The first run comes at a random moment
   * within the first period unless `firstMs` says when: processes started together would otherwise run in step.
   */
  start(everyMs: number, firstMs = Math.floor(Math.random() * everyMs)): void {
    const tick = () => {
      this.running = this.run()
        .catch((error: unknown) => this.logger.warn({ err: error }, this.failure))
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.timer = setTimeout(tick, everyMs);
        });
    };
    this.timer = setTimeout(tick, firstMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
