// @invoicer/documents: invoice documents (PDF) rendered from the posted ServiceTitan invoice.
export {};
