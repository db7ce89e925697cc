import { ProblemFieldError } from './problem';

/**
 * A failure the API answers on purpose. Services throw these by name; the one
 * global filter turns them into problem JSON.
 */
export class ProblemException extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: ProblemFieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationProblem extends ProblemException {
  constructor(errors: ProblemFieldError[]) {
    super(400, errors.map((error) => error.message).join('; '), errors);
  }
}

export class NotFoundProblem extends ProblemException {
  constructor(detail: string) {
    super(404, detail);
  }
}

export class ConflictProblem extends ProblemException {
  constructor(detail: string) {
    super(409, detail);
  }
}

export class ForbiddenProblem extends ProblemException {
  constructor(detail: string, headers: Record<string, string> = {}) {
    super(403, detail, undefined, headers);
  }
}

export class UnauthorizedProblem extends ProblemException {
  constructor(detail: string, wwwAuthenticate: string) {
    super(401, detail, undefined, { 'WWW-Authenticate': wwwAuthenticate });
  }
}

export class ServiceUnavailableProblem extends ProblemException {
  constructor(detail: string, retryAfterSeconds: number) {
    super(503, detail, undefined, { 'Retry-After': String(retryAfterSeconds) });
  }
}
