import { z } from 'zod';
import { ExternalData, Id, OptId, OptTimestamp, Timestamp } from './common.ts';

export const Job = z.looseObject({
  id: Id,
  jobNumber: z.string().nullish(),
  projectId: OptId,
  customerId: Id,
  locationId: Id,
  jobStatus: z.string(),
  completedOn: OptTimestamp,
  businessUnitId: Id,
  jobTypeId: Id,
  priority: z.string().nullish(),
  campaignId: OptId,
  summary: z.string().nullish(),
  customFields: z
    .array(z.looseObject({ typeId: OptId, name: z.string().nullish(), value: z.unknown() }))
    .nullish(),
  appointmentCount: z.number().int().nullish(),
  firstAppointmentId: OptId,
  lastAppointmentId: OptId,
  recallForId: OptId,
  warrantyId: OptId,
  noCharge: z.boolean().nullish(),
  notificationsEnabled: z.boolean().nullish(),
  createdOn: OptTimestamp,
  createdById: OptId,
  modifiedOn: OptTimestamp,
  tagTypeIds: z.array(Id).nullish(),
  soldById: OptId,
  externalData: ExternalData,
  customerPo: z.string().nullish(),
  invoiceId: OptId,
  membershipId: OptId,
  total: z.number().nullish(),
  active: z.boolean().nullish(),
});
export type Job = z.infer<typeof Job>;

export const JobType = z.looseObject({
  id: Id,
  name: z.string(),
  businessUnitIds: z.array(Id).nullish(),
  skills: z.array(z.string()).nullish(),
  tagTypeIds: z.array(Id).nullish(),
  priority: z.string().nullish(),
  duration: z.number().nullish(),
  soldThreshold: z.number().nullish(),
  class: z.string().nullish(),
  summary: z.string().nullish(),
  noCharge: z.boolean().nullish(),
  active: z.boolean().nullish(),
  modifiedOn: OptTimestamp,
});
export type JobType = z.infer<typeof JobType>;

/** Transactional notes carry no id; the export adds id, jobId and active. */
export const JobNote = z.looseObject({
  id: OptId,
  jobId: OptId,
  text: z.string(),
  isPinned: z.boolean().nullish(),
  createdById: OptId,
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
  active: z.boolean().nullish(),
});
export type JobNote = z.infer<typeof JobNote>;

export const Appointment = z.looseObject({
  id: Id,
  jobId: Id,
  appointmentNumber: z.string().nullish(),
  start: Timestamp,
  end: Timestamp,
  arrivalWindowStart: OptTimestamp,
  arrivalWindowEnd: OptTimestamp,
  status: z.string().nullish(),
  specialInstructions: z.string().nullish(),
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
  customerId: OptId,
  unused: z.boolean().nullish(),
  active: z.boolean().nullish(),
});
export type Appointment = z.infer<typeof Appointment>;
