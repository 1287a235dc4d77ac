// BAI2 physical lines → logical records. Banks bend the layout: several records on one line
// ("…PPD/ 16,142,…"), text wrapped onto a line of its own, "/" inside 16/88 text. Rules:
//  - a "/" followed by whitespace and "NN," starts a new record on the same line;
//  - a line that does not start with "NN," continues the previous record's text, unless it
//    starts like a mistyped record ("88:EREF…"), which is reported as malformed;
//  - 88 records are attached to the record they continue.

export interface Bai2Continuation {
  text: string;
  line: number;
}

export interface Bai2Record {
  /** Two-digit record code; "??" when the line has none ("88:EREF…"). */
  code: string;
  /** Everything after "NN,". */
  body: string;
  line: number;
  continuations: Bai2Continuation[];
}

export function splitRecords(text: string): Bai2Record[] {
  const records: Bai2Record[] = [];
  let lastWithCode: Bai2Record | undefined; // 88s never continue a malformed record
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((physical, index) => {
    const line = index + 1;
    if (physical.trim() === '') return;
    for (const segment of physical.split(/(?<=\/)\s+(?=\d{2},)/)) {
      const code = /^(\d{2}),/.exec(segment)?.[1];
      const last = records.at(-1);
      if (code === '88' && lastWithCode) {
        lastWithCode.continuations.push({ text: segment.slice(3), line });
      } else if (code) {
        lastWithCode = { code, body: segment.slice(3), line, continuations: [] };
        records.push(lastWithCode);
      } else if (/^\d{2}[^\d,]/.test(segment) || !last) {
        records.push({ code: '??', body: segment, line, continuations: [] });
      } else {
        // Wrapped text: the previous record (or its last continuation) goes on.
        const target = last.continuations.at(-1) ?? last;
        if ('text' in target) target.text += ` ${segment.trim()}`;
        else target.body += ` ${segment.trim()}`;
      }
    }
  });
  return records;
}

/** Fields of a record without free text: everything before the "/" terminator, comma-split. */
export function fieldsOf(record: Bai2Record): string[] {
  const pieces = [record.body, ...record.continuations.map((c) => c.text)];
  return pieces.flatMap((piece) => (piece.split('/')[0] ?? '').split(',').map((f) => f.trim()));
}

/** Number of physical records a logical record stands for (itself plus its 88s). */
export function recordCount(record: Bai2Record): number {
  return 1 + record.continuations.length;
}
