// The ending every command-line tool shares: exit with main's code; a configuration, service
// or input problem is one plain sentence (exit 2), anything else "<name> failed: …" (exit 1).
import { ConfigError, errorMessage, InvalidInputError, ServiceUnavailableError } from '@invoicer/core';

export function runCli(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error) => {
      if (
        error instanceof ConfigError ||
        error instanceof ServiceUnavailableError ||
        error instanceof InvalidInputError
      ) {
        console.error(error.message);
        process.exit(2);
      }
      console.error(`${name} failed: ${errorMessage(error)}`);
      process.exit(1);
    },
  );
}
