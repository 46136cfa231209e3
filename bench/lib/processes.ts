// Process plumbing for the benchmarks that run the real server as a child: free loopback ports,
// the process tree below a pid (from /proc) and killing a whole tree.
import { type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Every process below `rootPid` (Postgres backends call setsid, so they leave the group). */
export function descendants(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [rootPid];
  while (queue.length && found.length < 10_000) {
    for (const pid of children.get(queue.shift()!) ?? []) {
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Signals the child's process group and every process below it; returns the pids it found below. */
export function killTree(child: ChildProcess, signal: NodeJS.Signals): number[] {
  const pid = child.pid!;
  // Freeze the group first so nothing forks between listing the tree and killing it.
  try {
    process.kill(-pid, 'SIGSTOP');
  } catch {
    // already gone
  }
  const tree = descendants(pid);
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
  for (const p of tree) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
  return tree;
}
