import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ClassificationsModule } from './classifications/classifications.module';
import { AuthModule } from './common/auth/auth.module';
import { ProblemFilter } from './common/errors/problem.filter';
import { WireValidationPipe } from './common/http/wire-validation.pipe';
import { configNamespaces } from './config';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, load: configNamespaces, ignoreEnvFile: true, cache: true }),
    DatabaseModule,
    AuthModule,
    HealthModule,
    EventsModule,
    ClassificationsModule,
  ],
  providers: [
    { provide: APP_PIPE, useValue: new WireValidationPipe() },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
})
export class AppModule {}
