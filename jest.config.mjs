// Jest in ESM mode: every @nestjs/* 12 package is ESM-only, and Jest on Node 20
// cannot require() ESM. The few CommonJS dependencies that require() an
// ESM-only package get that package transformed to CommonJS.
const esmOnlyRequiredFromCjs = ['jose', 'content-disposition', 'cookie'];

const swcTypeScript = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
      target: 'es2022',
    },
    module: { type: 'es6' },
  },
];

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': swcTypeScript,
    [`node_modules/(${esmOnlyRequiredFromCjs.join('|')})/.+\\.js$`]: ['@swc/jest', { module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyRequiredFromCjs.join('|')})/)`],
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], slowTestThreshold: 30 },
  ],
  testTimeout: 60_000,
};
