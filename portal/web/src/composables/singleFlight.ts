/**
 * One request at a time: asking while one is out asks once more right after it (the answer on its way may
 * predate what prompted the call), however often it is asked meanwhile.
 */
export function singleFlight(run: () => Promise<void>, stopped: () => boolean) {
  let inFlight: Promise<void> | null = null;
  let queued: Promise<void> | null = null;

  function refresh(): Promise<void> {
    if (stopped()) return Promise.resolve();
    if (!inFlight) {
      inFlight = run().finally(() => {
        inFlight = null;
      });
      return inFlight;
    }
    queued ??= inFlight.then(() => {
      queued = null;
      return refresh();
    });
    return queued;
  }

  return { refresh, busy: () => inFlight !== null };
}
