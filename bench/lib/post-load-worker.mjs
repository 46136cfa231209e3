// A load generator thread for POST requests with JSON bodies (the sibling of load-worker.mjs,
// which sends GETs): keep-alive HTTP/1.1 over raw sockets, closed loop (`connections` requests in
// flight at all times) for `seconds` or `maxRequests`. Request i uses entry i of the list, so a
// benchmark can lay out a realistic sequence (first purchases, repeats, refusals); the list wraps
// when exhausted. Counts responses by status.
import { Connection } from './http-connection.mjs';
import { parentPort, workerData } from 'node:worker_threads';

async function run(job) {
  const raw = job.requests.map(({ path, headers, body }) => {
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    const lines = [`POST ${path} HTTP/1.1`, `host: ${job.host}:${job.port}`, 'connection: keep-alive', 'content-type: application/json', `content-length: ${payload.length}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
  });
  const connections = Array.from({ length: job.connections }, () => new Connection(job.host, job.port));
  const latencies = [];
  const statuses = {};
  let errors = 0;
  let next = job.offset ?? 0;
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  const limit = job.maxRequests ?? Infinity;
  let issued = 0;
  await Promise.all(
    connections.map(async (connection) => {
      while (performance.now() < deadline && issued < limit) {
        issued += 1;
        const request = raw[next++ % raw.length];
        const at = performance.now();
        try {
          const status = await connection.send(request);
          statuses[status] = (statuses[status] ?? 0) + 1;
        } catch {
          errors += 1;
        }
        latencies.push((performance.now() - at) * 1000);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const connection of connections) connection.close();
  return { requests: latencies.length, statuses, errors, seconds, next, latenciesUs: Float64Array.from(latencies) };
}

if (parentPort) {
  const result = await run(workerData);
  parentPort.postMessage(result, [result.latenciesUs.buffer]);
}
