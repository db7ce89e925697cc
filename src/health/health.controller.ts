import { Controller, Get, Inject, ServiceUnavailableException, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ReadRouter } from '../database/read-router';
import { databaseConfig, type DatabaseConfig } from '../config';
import { Public } from '../common/auth/public.decorator';
import { ApiProblems } from '../common/errors/problem.dto';
import { ServiceUnavailableProblem } from '../common/errors/problem.exception';
import { ShutdownDrain } from '../common/http/shutdown-drain';

@ApiTags('Health')
@SkipThrottle()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    @Inject(databaseConfig.KEY) private readonly config: DatabaseConfig,
    private readonly drain: ShutdownDrain,
    private readonly reads: ReadRouter,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Liveness: the process answers. It never depends on the database, so an outage does not restart it. */
  @Public()
  @Get()
  @HealthCheck()
  @ApiOperation({ operationId: 'liveness', summary: 'Liveness: the process is up' })
  @ApiOkResponse({ description: 'The process is up', schema: { example: { status: 'ok', info: {}, error: {}, details: {} } } })
  live() {
    return this.health.check([]);
  }

  /**
   * Replicas degrade, never fail, readiness: reads fall back to the primary,
   * so the instance can still serve; the state shows for operators.
   */
  private async replicas(): Promise<HealthIndicatorResult> {
    if (!this.reads.hasReplicas) return {};
    const reachable = await this.reads.replicaHealth(this.config.connectTimeoutMs);
    const down = reachable.filter((up) => !up).length;
    return { replicas: { status: 'up', degraded: down > 0, reachable: reachable.length - down, unreachable: down } };
  }

  /** Readiness: the database answers within its timeout. */
  @Public()
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ operationId: 'readiness', summary: 'Readiness: the database is reachable' })
  @ApiOkResponse({
    description: 'Ready to serve',
    schema: { example: { status: 'ok', info: { database: { status: 'up' } }, error: {}, details: { database: { status: 'up' } } } },
  })
  @ApiProblems(503)
  async ready() {
    if (this.drain.isDraining) throw new ServiceUnavailableProblem('This instance is shutting down', this.config.retryAfterSeconds);
    try {
      return await this.health.check([
        // The data source given, not looked up by terminus: its lookup imports @nestjs/typeorm by a name
        // known only at run time, which in the bundled build (scripts/bundle.ts) would be a second copy.
        () => this.database.pingCheck('database', { connection: this.dataSource, timeout: this.config.connectTimeoutMs }),
        () => this.replicas(),
      ]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        throw new ServiceUnavailableProblem('The database is not reachable', this.config.retryAfterSeconds);
      }
      throw error;
    }
  }
}
