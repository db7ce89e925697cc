import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** Who is calling, from a validated access token. */
export interface Caller {
  subject: string;
  clientId?: string;
  scopes: ReadonlySet<string>;
  /** Set when the token is bound to one customer: the caller sees and registers only that customer's events. */
  customerNumber?: string;
}

export const CurrentCaller = createParamDecorator(
  (_: unknown, context: ExecutionContext): Caller => context.switchToHttp().getRequest().user as Caller,
);
