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

/** At most this many offending members are listed: a body of 80,000 unknown members must not get an 11 MB answer. */
const MAX_LISTED_ERRORS = 50;

export class ValidationProblem extends ProblemException {
  constructor(errors: ProblemFieldError[]) {
    const listed = errors.slice(0, MAX_LISTED_ERRORS);
    const detail = listed.slice(0, 5).map((error) => error.message).join('; ');
    super(400, errors.length > 5 ? `${detail}; and ${errors.length - 5} more` : detail, listed);
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
