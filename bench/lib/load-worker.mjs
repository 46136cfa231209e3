// The load generator's thread: keep-alive HTTP/1.1 GETs over raw sockets, so the client costs the
// shared 2 cores as little as possible and does not share the server's event loop. Responses are
// framed by Content-Length (every OnceGov answer has one). Two modes:
// - closed loop: `connections` requests in flight at all times, for `seconds` → saturation;
// - open loop: requests scheduled at a fixed `rate`; each latency is measured from its scheduled
//   start, so a stalled server is not hidden by the client waiting for it (no coordinated omission).
import { Connection } from './http-connection.mjs';
import { parentPort, workerData } from 'node:worker_threads';

// The job and result shapes are declared in load.ts (LoadJob, LoadResult).

function rawRequests(job) {
  return job.requests.map(({ path, headers }) => {
    const lines = [`GET ${path} HTTP/1.1`, `host: ${job.host}:${job.port}`, 'connection: keep-alive'];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  });
}

async function run(job) {
  const raw = rawRequests(job);
  const connections = Array.from({ length: job.connections }, () => new Connection(job.host, job.port));
  const latencies = [];
  let non200 = 0;
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + job.seconds * 1000;

  const issue = async (connection, scheduledAt) => {
    const request = raw[next++ % raw.length];
    try {
      const status = await connection.send(request);
      if (status !== 200) non200 += 1;
    } catch {
      errors += 1;
    }
    latencies.push((performance.now() - scheduledAt) * 1000);
  };

  if (job.rate === undefined) {
    const limit = job.maxRequests ?? Infinity;
    let issued = 0;
    await Promise.all(
      connections.map(async (connection) => {
        while (performance.now() < deadline && issued < limit) {
          issued += 1;
          await issue(connection, performance.now());
        }
      }),
    );
  } else {
    // Open loop: a queue of scheduled starts served by idle connections.
    const interval = 1000 / job.rate;
    const idle = [...connections];
    const waiting = [];
    let scheduled = 0;
    let inFlight = 0;
    await new Promise((resolve) => {
      const dispatch = () => {
        while (idle.length && waiting.length) {
          const connection = idle.pop();
          const at = waiting.shift();
          inFlight += 1;
          void issue(connection, at).then(() => {
            inFlight -= 1;
            idle.push(connection);
            dispatch();
          });
        }
        if (scheduled > 0 && started + scheduled * interval >= deadline && waiting.length === 0 && inFlight === 0) resolve();
      };
      const tick = () => {
        const now = performance.now();
        while (started + scheduled * interval <= now && started + scheduled * interval < deadline) {
          waiting.push(started + scheduled * interval);
          scheduled += 1;
        }
        dispatch();
        if (started + scheduled * interval < deadline) setTimeout(tick, Math.max(0, Math.min(1, started + scheduled * interval - performance.now())));
      };
      tick();
    });
  }
  const seconds = (performance.now() - started) / 1000;
  for (const connection of connections) connection.close();
  return { requests: latencies.length, non200, errors, seconds, latenciesUs: Float64Array.from(latencies) };
}

if (parentPort) {
  const result = await run(workerData);
  parentPort.postMessage(result, [result.latenciesUs.buffer]);
}
