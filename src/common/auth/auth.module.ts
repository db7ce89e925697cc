import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { authConfig, type AuthConfig, databaseConfig, type DatabaseConfig } from '../../config';
import { DevIssuerKeys } from './dev-issuer.keys';
import { DevTokenController } from './dev-token.controller';
import { JwtStrategy } from './jwt.strategy';

@Module({
  imports: [PassportModule.register({ session: false })],
  controllers: [DevTokenController],
  exports: [JwtStrategy],
  providers: [
    JwtStrategy,
    {
      provide: DevIssuerKeys,
      inject: [authConfig.KEY, databaseConfig.KEY],
      useFactory: (auth: AuthConfig, database: DatabaseConfig) => (auth.devIssuer ? DevIssuerKeys.loadOrCreate(database.dataDir) : null),
    },
  ],
})
export class AuthModule {}
