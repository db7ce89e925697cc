import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArrangementActivityController } from './arrangement-activity.controller';
import { ArrangementActivityEventEntity } from './arrangement-activity.entity';
import { arrangementActivityKind } from './arrangement-activity.kind';
import { ArrangementActivityService } from './arrangement-activity.service';

@Module({
  imports: [TypeOrmModule.forFeature([ArrangementActivityEventEntity])],
  controllers: [ArrangementActivityController],
  providers: [ArrangementActivityService],
})
export class ArrangementActivityModule {
  static readonly kind = arrangementActivityKind;
}
