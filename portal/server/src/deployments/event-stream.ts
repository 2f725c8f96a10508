/**
 * A deployment's server-sent events (`GET …/deployments/{id}/events`): every stored progress event
 * (`progress`, `output`) after `afterSequence`, then new ones as they are stored, the deployment's `status`
 * whenever it changes, and `end` when it has finished. Event ids are the stored sequence numbers, so a
 * client resumes after Last-Event-ID.
 */
import { PassThrough } from "node:stream";
import { presentDeployment } from "../presenters/deployments.js";
import type { Deployment } from "../models/Deployment.js";
import { isFinal, type Deployments } from "./deployments.js";
import type { DeploymentStreams } from "./streams.js";

/** Proxies close a quiet stream. */
const KEEPALIVE_MS = 15_000;

export function deploymentEventStream(
  deployments: Deployments,
  streams: DeploymentStreams,
  deployment: Deployment,
  afterSequence: number,
): { stream: PassThrough; close: () => void } {
  const stream = new PassThrough();
  let sequence = afterSequence;
  let lastStatus = "";
  let closed = false;
  let pumping: Promise<void> = Promise.resolve();
  const write = (text: string) => !closed && stream.write(text);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    unsubscribe();
    stream.end();
  };
  // One pump at a time, each reading from where the last stopped: a burst of notifications writes each event once, in order.
  const pump = () => {
    pumping = pumping
      .then(async () => {
        if (closed) return;
        for (let events = await deployments.eventsAfter(deployment.id, sequence); events.length > 0; events = await deployments.eventsAfter(deployment.id, sequence)) {
          for (const event of events) write(`id: ${event.sequence}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
          sequence = events.at(-1)!.sequence;
        }
        const current = await deployments.latest(deployment.id);
        if (!current) return close();
        if (current.status !== lastStatus) {
          lastStatus = current.status;
          write(`event: status\ndata: ${JSON.stringify(presentDeployment(current))}\n\n`);
        }
        if (isFinal(current)) {
          write(`event: end\ndata: ${JSON.stringify({ status: current.status })}\n\n`);
          close();
        }
      })
      .catch(() => close());
  };
  const unsubscribe = streams.subscribe(deployment.id, pump, close);
  const keepalive = setInterval(() => write(": keep-alive\n\n"), KEEPALIVE_MS);
  write("retry: 2000\n\n");
  pump();
  return { stream, close };
}
