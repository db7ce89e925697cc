import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ClassificationsModule } from './classifications/classifications.module';
import { AuthModule } from './common/auth/auth.module';
import { ProblemFilter } from './common/errors/problem.filter';
import { WireValidationPipe } from './common/http/wire-validation.pipe';
import { configNamespaces } from './config';
import { AccessTokenGuard } from './common/auth/access-token.guard';
import { ClientThrottlerGuard } from './common/http/client-throttler.guard';
import { RouteMetadata } from './common/http/route-metadata';
import { JsonBodyGuard } from './common/http/json-body.guard';
import { RateLimitModule } from './common/http/rate-limit.module';
import { ShutdownDrain } from './common/http/shutdown-drain';
import { LoggingModule } from './common/logging/logging.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';

@Global()
@Module({
  exports: [ShutdownDrain],
  imports: [
    ConfigModule.forRoot({ isGlobal: true, load: configNamespaces, ignoreEnvFile: true, cache: true }),
    LoggingModule,
    RateLimitModule,
    DatabaseModule,
    AuthModule,
    HealthModule,
    MetricsModule,
    EventsModule,
    ClassificationsModule,
  ],
  providers: [
    // Guards run in this order: who is calling, how often, then what they sent.
    { provide: APP_GUARD, useClass: AccessTokenGuard },
    { provide: APP_GUARD, useClass: ClientThrottlerGuard },
    { provide: APP_GUARD, useClass: JsonBodyGuard },
    { provide: APP_PIPE, useValue: new WireValidationPipe() },
    { provide: APP_FILTER, useClass: ProblemFilter },
    ShutdownDrain,
    RouteMetadata,
  ],
})
export class AppModule {}
