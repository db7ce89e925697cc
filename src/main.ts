import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { appConfig } from './config';

async function bootstrap() {
  const app = await createApp();
  const { port, host } = app.get(appConfig.KEY) as ReturnType<typeof appConfig>;
  await app.listen(port, host);
  new Logger('Bootstrap').log(`Customer Event API listening on http://localhost:${port}/customer-event (explorer: /swagger-ui)`);
}

bootstrap().catch((error: Error) => {
  // Before the logger exists (bad configuration, data folder in use), say why plainly.
  process.stderr.write(`Customer Event API failed to start: ${error.message}\n`);
  process.exit(1);
});
