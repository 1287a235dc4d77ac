// @invoicer/messaging: customer messages (email, SMS), the message ledger's keys, the contact
// policy, channel choice, templates and reminder schedules. Pure except email.ts and sms.ts.
export * from './channel.ts';
export * from './content.ts';
export * from './email.ts';
export * from './keys.ts';
export * from './local-time.ts';
export * from './policy.ts';
export * from './reminders.ts';
export * from './sms.ts';
export * from './sms-segments.ts';
export * from './template.ts';
export * from './time-zone-of.ts';
export * from './twilio-signature.ts';
export * from './unsubscribe.ts';
