import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SocialController } from './social.controller';
import { SocialEventEntity } from './social.entity';
import { socialKind } from './social.kind';
import { SocialService } from './social.service';

@Module({
  imports: [TypeOrmModule.forFeature([SocialEventEntity])],
  controllers: [SocialController],
  providers: [SocialService],
})
export class SocialModule {
  static readonly kind = socialKind;
}
