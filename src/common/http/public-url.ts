import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { appConfig, type AppConfig } from '../../config';

export const API_ROOT = '/customer-event';
export const VERSIONED_ROOT = `${API_ROOT}/v2.0`;

/**
 * The origin links point at: PUBLIC_BASE_URL when set, otherwise the host the
 * client called (fastify honours X-Forwarded-Proto/-Host only with TRUST_PROXY).
 */
@Injectable()
export class PublicUrl {
  constructor(@Inject(appConfig.KEY) private readonly config: Pick<AppConfig, 'publicBaseUrl'>) {}

  /** `http://host:port/customer-event/v2.0` for this request. */
  versionedRoot(request: FastifyRequest): string {
    return `${this.origin(request)}${VERSIONED_ROOT}`;
  }

  private origin(request: FastifyRequest): string {
    if (this.config.publicBaseUrl) return this.config.publicBaseUrl;
    const host = /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(request.host ?? '') ? request.host : 'localhost';
    return `${request.protocol}://${host}`;
  }
}
