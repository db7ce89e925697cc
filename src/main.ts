import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ShutdownDrain } from './common/http/shutdown-drain';
import { appConfig, type AppConfig } from './config';

async function bootstrap() {
  const app = await createApp();
  const config = app.get<AppConfig>(appConfig.KEY);
  const logger = new Logger('Lifecycle');

  // SIGTERM (orchestrators) and SIGINT (Ctrl-C): drain (readiness fails, new
  // requests get 503 + Connection: close, in-flight ones finish), then close the
  // listener, the pool and the embedded database, and exit 0. A shutdown that
  // outlasts the grace period exits 1 rather than hang.
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down (grace ${config.shutdownGraceMs} ms)`);
    const deadline = setTimeout(() => {
      logger.error(`Shutdown took longer than ${config.shutdownGraceMs} ms; exiting`);
      process.exit(1);
    }, config.shutdownGraceMs);
    deadline.unref();
    try {
      await app.get(ShutdownDrain).drain(config.shutdownDrainMs, config.shutdownGraceMs / 2);
      await app.close();
      logger.log('Stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error(`Shutdown failed: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await app.listen(config.port, config.host);
  new Logger('Bootstrap').log(`Customer Event API listening on http://localhost:${config.port}/customer-event (explorer: /swagger-ui)`);
}

bootstrap().catch((error: Error) => {
  // Before the logger exists (bad configuration, data folder in use), say why plainly.
  process.stderr.write(`Customer Event API failed to start: ${error.message}\n`);
  process.exit(1);
});
