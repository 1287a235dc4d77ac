// The in-process SMTP sink for delivery tests (the demo's sink, with its fault knobs).
export { type MailSink, type SinkMessage, startMailSink } from '../../apps/demo/src/mail-sink.ts';
