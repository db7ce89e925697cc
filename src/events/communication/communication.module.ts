import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommunicationController } from './communication.controller';
import { CommunicationEventEntity } from './communication.entity';
import { communicationKind } from './communication.kind';
import { CommunicationService } from './communication.service';

@Module({
  imports: [TypeOrmModule.forFeature([CommunicationEventEntity])],
  controllers: [CommunicationController],
  providers: [CommunicationService],
})
export class CommunicationModule {
  static readonly kind = communicationKind;
}
