/**
 * Live deployment progress for server-sent events: one LISTEN connection per portal process wakes the
 * streams of a deployment when its runner (in any process) stored more progress or changed its status.
 */
export class DeploymentStreams {
  private readonly subscribers = new Map<string, Set<() => void>>();
  private readonly closers = new Set<() => void>();

  /** Called for each notification: wakes the deployment's streams. */
  notify(deploymentId: string): void {
    for (const wake of this.subscribers.get(deploymentId) ?? []) wake();
  }

  /** Wakes every stream: after a reconnect, notifications may have been missed. */
  notifyAll(): void {
    for (const wakes of this.subscribers.values()) for (const wake of wakes) wake();
  }

  subscribe(deploymentId: string, wake: () => void, close: () => void): () => void {
    let set = this.subscribers.get(deploymentId);
    if (!set) this.subscribers.set(deploymentId, (set = new Set()));
    set.add(wake);
    this.closers.add(close);
    return () => {
      set.delete(wake);
      if (set.size === 0) this.subscribers.delete(deploymentId);
      this.closers.delete(close);
    };
  }

  /** Ends every open stream: a stopping server must not wait for browsers that keep them open. */
  closeAll(): void {
    for (const close of [...this.closers]) close();
  }
}
