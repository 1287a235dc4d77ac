// Price-book resources. Prices here are JSON numbers (unlike accounting, where they are strings).
import { z } from 'zod';
import { AmountNumber, ExternalData, Id, OptId, OptTimestamp } from './common.ts';

const skuCommon = {
  id: Id,
  code: z.string(),
  displayName: z.string().nullish(),
  description: z.string().nullish(),
  price: AmountNumber,
  memberPrice: AmountNumber.nullish(),
  addOnPrice: AmountNumber.nullish(),
  addOnMemberPrice: AmountNumber.nullish(),
  cost: AmountNumber.nullish(),
  active: z.boolean().nullish(),
  hours: z.number().nullish(),
  account: z.string().nullish(),
  businessUnitId: OptId,
  externalData: ExternalData,
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
};

export const PricebookService = z.looseObject({
  ...skuCommon,
  taxable: z.boolean().nullish(),
  isLabor: z.boolean().nullish(),
  /** Services carry category objects; materials and equipment carry ids. */
  categories: z
    .array(z.looseObject({ id: Id, name: z.string().nullish(), active: z.boolean().nullish() }))
    .nullish(),
  warranty: z.looseObject({ duration: z.number().nullish(), description: z.string().nullish() }).nullish(),
  serviceMaterials: z.array(z.looseObject({ skuId: Id, quantity: z.number() })).nullish(),
  serviceEquipment: z.array(z.looseObject({ skuId: Id, quantity: z.number() })).nullish(),
});
export type PricebookService = z.infer<typeof PricebookService>;

export const PricebookMaterial = z.looseObject({
  ...skuCommon,
  taxable: z.boolean().nullish(),
  unitOfMeasure: z.string().nullish(),
  isInventory: z.boolean().nullish(),
  chargeableByDefault: z.boolean().nullish(),
  categories: z.array(Id).nullish(),
});
export type PricebookMaterial = z.infer<typeof PricebookMaterial>;

export const PricebookEquipment = z.looseObject({
  ...skuCommon,
  taxable: z.boolean().nullish(),
  manufacturer: z.string().nullish(),
  model: z.string().nullish(),
  unitOfMeasure: z.string().nullish(),
  categories: z.array(Id).nullish(),
});
export type PricebookEquipment = z.infer<typeof PricebookEquipment>;

export const DiscountAndFee = z.looseObject({
  id: Id,
  type: z.string(),
  code: z.string(),
  displayName: z.string().nullish(),
  description: z.string().nullish(),
  amountType: z.string(),
  /** A percentage is a fraction (0.05 = 5%). */
  amount: AmountNumber,
  limit: AmountNumber.nullish(),
  taxable: z.boolean().nullish(),
  categories: z.array(Id).nullish(),
  hours: z.number().nullish(),
  active: z.boolean().nullish(),
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
});
export type DiscountAndFee = z.infer<typeof DiscountAndFee>;

export const PricebookCategory = z.looseObject({
  id: Id,
  name: z.string(),
  active: z.boolean().nullish(),
  description: z.string().nullish(),
  parentId: OptId,
  position: z.number().nullish(),
  categoryType: z.string().nullish(),
  businessUnitIds: z.array(Id).nullish(),
});
export type PricebookCategory = z.infer<typeof PricebookCategory>;

/** Material markup tiers (cost range → percent markup). */
export const MaterialsMarkup = z.looseObject({
  id: Id,
  from: z.number(),
  to: z.number(),
  percent: z.number(),
});
export type MaterialsMarkup = z.infer<typeof MaterialsMarkup>;
