// A load generator thread for POST requests with JSON bodies (the sibling of load-worker.mjs,
// which sends GETs): keep-alive HTTP/1.1 over raw sockets, closed loop (`connections` requests in
// flight at all times) for `seconds` or `maxRequests`. Request i uses entry i of the list, so a
// benchmark can lay out a realistic sequence (first purchases, repeats, refusals); the list wraps
// when exhausted. Counts responses by status.
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const HEADER_END = Buffer.from('\r\n\r\n');

class Connection {
  buffer = Buffer.alloc(0);
  pending = null;
  failed = null;

  constructor(host, port) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (error) => this.failed?.(error));
    this.socket.on('close', () => this.failed?.(new Error('connection closed')));
  }

  send(raw) {
    return new Promise((resolve, reject) => {
      this.pending = resolve;
      this.failed = reject;
      this.socket.write(raw);
    });
  }

  close() {
    this.socket.destroy();
  }

  onData(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const end = this.buffer.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) throw new Error(`response without content-length: ${head.slice(0, 200)}`);
    const total = end + 4 + Number(length[1]);
    if (this.buffer.length < total) return;
    const status = Number(head.slice(9, 12));
    this.buffer = this.buffer.subarray(total);
    const resolve = this.pending;
    this.pending = null;
    this.failed = null;
    resolve?.(status);
  }
}

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
