// @invoicer/messaging: customer messages (email, SMS), the message ledger and the contact policy.
export {};
