import { Controller, Get, Header, Inject, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { RequiredScope } from '../common/auth/scopes';
import { ApiProblems } from '../common/errors/problem.dto';
import { NotFoundProblem } from '../common/errors/problem.exception';
import { appConfig, type AppConfig } from '../config';
import { MetricsService } from './metrics.service';

export const METRICS_SCOPE = 'customer-event:metrics';

/** /metrics on the main port, for a scraper holding a token with the metrics scope (unless METRICS_PORT moves it). */
@ApiTags('Operations')
@SkipThrottle()
@Controller({ path: 'metrics', version: VERSION_NEUTRAL })
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  @Get()
  @RequiredScope(METRICS_SCOPE)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ operationId: 'metrics', summary: `Prometheus metrics (scope ${METRICS_SCOPE})` })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format' })
  @ApiProblems(401, 403, 404)
  async scrape(): Promise<string> {
    if (this.config.metricsPort) throw new NotFoundProblem(`Metrics are served on port ${this.config.metricsPort}`);
    return this.metrics.registry.metrics();
  }
}
