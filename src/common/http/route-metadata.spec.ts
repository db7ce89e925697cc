import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RouteMetadata } from './route-metadata';

const SCOPE = 'test:scope';

@SetMetadata(SCOPE, 'class-scope')
class BaseController {
  list() {}

  @SetMetadata(SCOPE, 'handler-scope')
  detail() {}
}

class PlainController extends BaseController {}

@SetMetadata(SCOPE, 'other-class-scope')
class OtherController {
  list() {}
}

describe('RouteMetadata', () => {
  const routes: [string, object, object][] = [
    ['class metadata', BaseController.prototype.list, BaseController],
    ['handler metadata over class metadata', BaseController.prototype.detail, BaseController],
    ['an inherited handler on another class', BaseController.prototype.list, OtherController],
    ['an inherited handler on its subclass', PlainController.prototype.detail, PlainController],
    ['no metadata anywhere', OtherController.prototype.list, PlainController],
  ];

  it.each(routes)('answers as Reflector does: %s, on every ask', (_, handler, controller) => {
    const metadata = new RouteMetadata();
    const targets = [handler, controller] as Parameters<Reflector['getAllAndOverride']>[1];
    const expected = new Reflector().getAllAndOverride(SCOPE, targets);
    expect(metadata.getAllAndOverride(SCOPE, targets)).toBe(expected);
    expect(metadata.getAllAndOverride(SCOPE, targets)).toBe(expected);
  });

  it('reads the metadata of a route once per key', () => {
    const metadata = new RouteMetadata();
    const lookups = jest.spyOn(Reflect, 'getMetadata');
    try {
      const route = [BaseController.prototype.detail, BaseController];
      for (let ask = 0; ask < 5; ask++) metadata.getAllAndOverride(SCOPE, route);
      const first = lookups.mock.calls.length;
      expect(first).toBeGreaterThan(0);
      for (let ask = 0; ask < 5; ask++) metadata.getAllAndOverride(SCOPE, route);
      expect(lookups.mock.calls.length).toBe(first);
      metadata.getAllAndOverride('another-key', route);
      expect(lookups.mock.calls.length).toBeGreaterThan(first);
    } finally {
      lookups.mockRestore();
    }
  });
});
