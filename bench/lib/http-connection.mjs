// One keep-alive HTTP/1.1 connection over a raw socket for the load generator threads
// (load-worker.mjs for GETs, post-load-worker.mjs for POSTs): `send` writes a whole request and
// resolves with the response's status once its body has arrived. Responses are framed by
// Content-Length (every OnceGov answer has one).
import { connect } from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');

export class Connection {
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
