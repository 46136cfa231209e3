// This process's pauses while a phase runs: event-loop delay (how late timers fired, the sum of
// everything that held the loop) and the garbage collector's pauses, in milliseconds.
import { monitorEventLoopDelay, PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';

export interface Pauses {
  eventLoopDelayP50Ms: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  gcPauses: number;
  gcTotalMs: number;
  gcMaxMs: number;
  /** Mark-compact (major) collections, the long ones. */
  majorGcs: number;
}

export function pausesDuring(): { stop(): Pauses } {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const gc = { count: 0, total: 0, max: 0, major: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.total += entry.duration;
      gc.max = Math.max(gc.max, entry.duration);
      if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  loop.enable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  return {
    stop() {
      loop.disable();
      observer.disconnect();
      return {
        eventLoopDelayP50Ms: ms(loop.percentile(50)),
        eventLoopDelayP99Ms: ms(loop.percentile(99)),
        eventLoopDelayMaxMs: ms(loop.max),
        gcPauses: gc.count,
        gcTotalMs: Math.round(gc.total * 100) / 100,
        gcMaxMs: Math.round(gc.max * 100) / 100,
        majorGcs: gc.major,
      };
    },
  };
}
