// Jest runs the suite as CommonJS. Every @nestjs/* 12 package is ESM-only, and
// CommonJS packages such as @nestjs/throttler require() them; Jest on Node 20
// cannot require() ESM, so those ESM-only packages are compiled to CommonJS
// with swc, giving one consistent module world (and one copy of each class).
// Node's --experimental-vm-modules stays on for PGlite's dynamic imports.
const esmOnlyPackages = ['@nestjs', 'jose', 'content-disposition', 'cookie', 'oauth2-mock-server', 'basic-auth'];

const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};

const shared = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', swc],
    '^.+\\.m?js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{src,bench,scripts}/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], slowTestThreshold: 30 },
  ],
  testTimeout: 60_000,
};
