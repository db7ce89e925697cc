import type { Type } from '@nestjs/common';
import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type TransformFn = (params: { value: unknown; key: string; obj: Record<string, unknown>; type: TransformationType; options: object }) => unknown;
type Check = (value: unknown, instance: object) => boolean;

interface CompiledMember {
  wire: string;
  property: string;
  transforms: TransformFn[];
}

interface CompiledRules {
  property: string;
  /** IsOptional and ValidateIf: the property's rules run only when all hold. */
  conditions: ((instance: object, value: unknown) => boolean)[];
  /** IsDefined first, then the other rules in declaration order, as class-validator runs them. */
  checks: Check[];
}

/** wire name -> property name, for a class whose members carry @Member/@Expose. */
export function wireNamesOf(type: Type<unknown>): Map<string, string> {
  const names = new Map<string, string>();
  for (const exposed of defaultMetadataStorage.getExposedMetadatas(type)) {
    if (exposed.propertyName) names.set(exposed.options.name ?? exposed.propertyName, exposed.propertyName);
  }
  return names;
}

/** Options the pipe's reference path passes to plainToInstance; `accept` reproduces exactly these. */
export const TRANSFORM_OPTIONS = { excludeExtraneousValues: true, exposeDefaultValues: true } as const;

/**
 * A request DTO's members and rules, read once from the metadata that
 * @Member registers with class-transformer and class-validator, and run
 * without looking that metadata up again.
 *
 * Why: plainToInstance and validateSync search their metadata stores on
 * every call (the inherited classes of the target, then each member's
 * transforms and constraints): about 45 µs of a list request whose own
 * rules take under 2 µs. `accept` runs the same transform functions and the
 * same constraint validators, in the same order, on the accepting path only:
 * when anything fails it answers undefined, and the caller runs the
 * libraries themselves to describe the failure. A DTO using anything beyond
 * exposed members, transforms and synchronous single-value constraints
 * (nested or each-item validation, groups, async rules) is not compiled.
 */
export class WireSchema<T extends object = object> {
  /** wire name -> property name */
  readonly byWire: Map<string, string>;
  /** property name -> wire name */
  readonly byProperty = new Map<string, string>();
  private readonly members: CompiledMember[] = [];
  private readonly rules: CompiledRules[] = [];
  /** False when the DTO uses a feature `accept` does not reproduce; then it always defers. */
  readonly compiled: boolean;

  constructor(private readonly type: Type<T>) {
    this.byWire = wireNamesOf(type);
    for (const [wire, property] of this.byWire) {
      this.byProperty.set(property, wire);
      const transforms = defaultMetadataStorage
        .findTransformMetadatas(type, property, TransformationType.PLAIN_TO_CLASS)
        .filter((metadata) => !metadata.options?.groups?.length)
        .map((metadata) => metadata.transformFn as TransformFn);
      this.members.push({ wire, property, transforms });
    }
    this.compiled = this.compileRules();
  }

  /**
   * The instance plainToInstance(type, input, TRANSFORM_OPTIONS) would give,
   * when validateSync would find nothing wrong with it; otherwise undefined.
   * `input` is keyed by canonical wire names and holds scalars (or empty
   * objects and arrays standing in for nested values).
   */
  accept(input: Record<string, unknown>): T | undefined {
    if (!this.compiled) return undefined;
    const instance = new this.type() as Record<string, unknown>;
    for (const { wire, property, transforms } of this.members) {
      const raw = input[wire];
      let value: unknown;
      if (raw === undefined) {
        value = instance[property];
      } else {
        value = raw !== null && typeof raw === 'object' ? (Array.isArray(raw) ? [] : {}) : raw;
        for (const transform of transforms) value = transform({ value, key: property, obj: input, type: TransformationType.PLAIN_TO_CLASS, options: TRANSFORM_OPTIONS });
      }
      instance[property] = value;
    }
    for (const { property, conditions, checks } of this.rules) {
      const value = instance[property];
      if (!conditions.every((holds) => holds(instance, value))) continue;
      for (const check of checks) if (!check(value, instance)) return undefined;
    }
    return instance as T;
  }

  private compileRules(): boolean {
    const storage = getMetadataStorage();
    const metadatas = storage.getTargetValidationMetadatas(this.type, '', false, false);
    for (const property of Object.keys(storage.groupByPropertyName(metadatas))) {
      const own = metadatas.filter((metadata) => metadata.propertyName === property);
      if (own.some((metadata) => !isCompilable(metadata))) return false;
      const checks: Check[] = [];
      const ordered = [
        ...own.filter((metadata) => metadata.type === ValidationTypes.IS_DEFINED),
        ...own.filter((metadata) => metadata.type === ValidationTypes.CUSTOM_VALIDATION),
      ];
      for (const metadata of ordered) {
        for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
          if (constraint.async) return false;
          const validator = constraint.instance;
          checks.push((value, instance) => {
            if (metadata.validateIf && !metadata.validateIf(instance, value)) return true;
            const verdict = validator.validate(value, {
              targetName: this.type.name,
              property,
              object: instance,
              value,
              constraints: metadata.constraints,
            });
            // A promise here would be an async rule that did not say so: never accept on it.
            return !(verdict instanceof Promise) && Boolean(verdict);
          });
        }
      }
      const conditions = own
        .filter((metadata) => metadata.type === ValidationTypes.CONDITIONAL_VALIDATION)
        .map((metadata) => metadata.constraints[0] as (instance: object, value: unknown) => boolean);
      this.rules.push({ property, conditions, checks });
    }
    return true;
  }
}

const COMPILABLE_TYPES = new Set<string>([ValidationTypes.IS_DEFINED, ValidationTypes.CUSTOM_VALIDATION, ValidationTypes.CONDITIONAL_VALIDATION]);

function isCompilable(metadata: ValidationMetadata): boolean {
  return COMPILABLE_TYPES.has(metadata.type) && !metadata.each && !metadata.groups?.length && !metadata.always;
}
