// Settings, dispatch, payroll, CRM and memberships resources.
import { z } from 'zod';
import { Address, CustomFields, ExternalData, Id, OptId, OptTimestamp } from './common.ts';

export const Technician = z.looseObject({
  id: Id,
  userId: OptId,
  name: z.string(),
  businessUnitId: OptId,
  email: z.string().nullish(),
  phoneNumber: z.string().nullish(),
  burdenRate: z.number().nullish(),
  /** Live data, not in the 2025 spec: present but unspecified. */
  hourlyRate: z.number().nullish(),
  active: z.boolean().nullish(),
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
});
export type Technician = z.infer<typeof Technician>;

export const BusinessUnit = z.looseObject({
  id: Id,
  active: z.boolean().nullish(),
  name: z.string(),
  officialName: z.string().nullish(),
  email: z.string().nullish(),
  currency: z.string().nullish(),
  phoneNumber: z.string().nullish(),
  invoiceHeader: z.string().nullish(),
  invoiceMessage: z.string().nullish(),
  defaultTaxRate: z.number().nullish(),
  modifiedOn: OptTimestamp,
});
export type BusinessUnit = z.infer<typeof BusinessUnit>;

export const AppointmentAssignment = z.looseObject({
  id: Id,
  technicianId: Id,
  technicianName: z.string().nullish(),
  assignedById: OptId,
  assignedOn: OptTimestamp,
  status: z.string().nullish(),
  isPaused: z.boolean().nullish(),
  jobId: Id,
  appointmentId: Id,
  active: z.boolean().nullish(),
  modifiedOn: OptTimestamp,
});
export type AppointmentAssignment = z.infer<typeof AppointmentAssignment>;

/** Job timesheets have no hours field: labor is doneOn − arrivedOn. */
export const JobTimesheet = z.looseObject({
  id: Id,
  jobId: Id,
  appointmentId: OptId,
  technicianId: Id,
  dispatchedOn: OptTimestamp,
  arrivedOn: OptTimestamp,
  canceledOn: OptTimestamp,
  doneOn: OptTimestamp,
  active: z.boolean().nullish(),
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
});
export type JobTimesheet = z.infer<typeof JobTimesheet>;

export const GrossPayItem = z.looseObject({
  id: Id,
  employeeId: Id,
  employeeType: z.string().nullish(),
  businessUnitName: z.string().nullish(),
  payrollId: OptId,
  date: OptTimestamp,
  activity: z.string().nullish(),
  activityCodeId: OptId,
  activityCode: z.string().nullish(),
  amount: z.number().nullish(),
  amountAdjustment: z.number().nullish(),
  grossPayItemType: z.string().nullish(),
  startedOn: OptTimestamp,
  endedOn: OptTimestamp,
  paidDurationHours: z.number().nullish(),
  paidTimeType: z.string().nullish(),
  jobId: OptId,
  jobNumber: z.string().nullish(),
  jobTypeName: z.string().nullish(),
  invoiceId: OptId,
  invoiceItemId: OptId,
  customerId: OptId,
  locationId: OptId,
  active: z.boolean().nullish(),
  modifiedOn: OptTimestamp,
});
export type GrossPayItem = z.infer<typeof GrossPayItem>;

export const Customer = z.looseObject({
  id: Id,
  active: z.boolean().nullish(),
  name: z.string(),
  type: z.string().nullish(),
  address: Address,
  customFields: CustomFields,
  balance: z.number().nullish(),
  tagTypeIds: z.array(Id).nullish(),
  doNotMail: z.boolean().nullish(),
  doNotService: z.boolean().nullish(),
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
  mergedToId: OptId,
  externalData: ExternalData,
});
export type Customer = z.infer<typeof Customer>;

export const Location = z.looseObject({
  id: Id,
  customerId: Id,
  active: z.boolean().nullish(),
  name: z.string().nullish(),
  address: Address,
  customFields: CustomFields,
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
  mergedToId: OptId,
  zoneId: OptId,
  tagTypeIds: z.array(Id).nullish(),
  taxZoneId: OptId,
  /** Live data, not in the 2025 spec. */
  taxExempt: z.boolean().nullish(),
});
export type Location = z.infer<typeof Location>;

export const Membership = z.looseObject({
  id: Id,
  customerId: Id,
  locationId: OptId,
  businessUnitId: OptId,
  membershipTypeId: OptId,
  status: z.string().nullish(),
  active: z.boolean().nullish(),
  from: OptTimestamp,
  to: OptTimestamp,
  cancellationDate: OptTimestamp,
  billingFrequency: z.string().nullish(),
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
});
export type Membership = z.infer<typeof Membership>;
