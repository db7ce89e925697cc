import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChargeableActivityController, ChargeableActivityAliasController } from './chargable-activity.controller';
import { ChargeableActivityEventEntity } from './chargable-activity.entity';
import { chargeableActivityKind } from './chargable-activity.kind';
import { ChargeableActivityService } from './chargable-activity.service';

@Module({
  imports: [TypeOrmModule.forFeature([ChargeableActivityEventEntity])],
  controllers: [ChargeableActivityController, ChargeableActivityAliasController],
  providers: [ChargeableActivityService],
})
export class ChargeableActivityModule {
  static readonly kind = chargeableActivityKind;
}
