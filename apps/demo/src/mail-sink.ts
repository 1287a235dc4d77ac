// A local SMTP sink (smtp-server + mailparser) the demo starts so posted invoices are really
// emailed somewhere, and tests use to read what was sent. It keeps each message once per
// Message-ID: a resend after an unknown outcome (same Message-ID) is recognised and counted as
// a duplicate, not delivered twice. Knobs for fault tests: refuse chosen recipients (a bounce),
// or take a message and then drop the connection without answering (accepted-then-failed).
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SinkMessage {
  messageId: string;
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  receivedAt: Date;
}

export interface MailSink {
  host: string;
  port: number;
  /** One entry per distinct Message-ID, first copy kept. */
  messages: SinkMessage[];
  /** Copies received again under a Message-ID already delivered. */
  duplicates: number;
  /** Every DATA the sink accepted (duplicates included). */
  received: number;
  /** Recipients refused at RCPT with 550 (a hard bounce). */
  rejectRecipients: Set<string>;
  /** The next N messages are stored, then the connection is dropped before the 250 reply. */
  failAfterAccept: number;
  close(): Promise<void>;
}

export async function startMailSink(options: { port?: number; host?: string } = {}): Promise<MailSink> {
  const sink: MailSink = {
    host: options.host ?? '127.0.0.1',
    port: 0,
    messages: [],
    duplicates: 0,
    received: 0,
    rejectRecipients: new Set(),
    failAfterAccept: 0,
    close: async () => {},
  };
  const seen = new Set<string>();
  const server: SMTPServer = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 25 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      if (sink.rejectRecipients.has(address.address.toLowerCase())) {
        const error = new Error('5.1.1 mailbox unavailable') as Error & { responseCode: number };
        error.responseCode = 550;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        const parsed = await simpleParser(raw);
        const messageId = parsed.messageId ?? `<no-id-${sink.received}>`;
        sink.received += 1;
        if (seen.has(messageId)) sink.duplicates += 1;
        else {
          seen.add(messageId);
          sink.messages.push({
            messageId,
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            raw,
            parsed,
            receivedAt: new Date(),
          });
        }
        if (sink.failAfterAccept > 0) {
          sink.failAfterAccept -= 1;
          // Committed, but the client never hears so: drop the connection.
          const connections = (
            server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }
          ).connections;
          for (const c of connections) if (c.id === session.id) c._socket.destroy();
          return;
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, sink.host, () => resolve());
  });
  sink.port = (server.server.address() as { port: number }).port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
