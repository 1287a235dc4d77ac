// @invoicer/documents: invoice documents (PDF) rendered from the posted ServiceTitan invoice.
export * from './amounts.ts';
export * from './fonts.ts';
export * from './from-draft.ts';
export * from './from-st.ts';
export * from './model.ts';
export * from './renderer.ts';
export * from './template.ts';
export * from './text.ts';
